from django.conf import settings


def shop(request):
    """What every page needs: the shop's name and the size of the shopper's cart."""
    from shop.cart.selectors import cart_quantity_for_request

    return {
        "SHOP_NAME": settings.SHOP_NAME,
        "PRICES_INCLUDE_TAX": settings.PRICES_INCLUDE_TAX,
        "cart_quantity": cart_quantity_for_request(request),
        # The demo's mailbox (shop/dev_emails.py): linked from "check your inbox" pages.
        "DEV_MAILBOX": settings.DEBUG
        and settings.EMAIL_BACKEND == "shop.dev_emails.DevEmailBackend",
    }
