from django.conf import settings
from django.utils.functional import SimpleLazyObject


def shop(request):
    """What every page needs: the shop's name and the size of the shopper's cart (asked
    only if the page shows it and its view did not already count it: a view that priced
    the cart passes `cart_quantity` itself, which wins over this)."""
    from shop.cart.selectors import cart_quantity_for_request

    return {
        "SHOP_NAME": settings.SHOP_NAME,
        "PRICES_INCLUDE_TAX": settings.PRICES_INCLUDE_TAX,
        "cart_quantity": SimpleLazyObject(lambda: cart_quantity_for_request(request)),
        # The demo's mailbox (shop/dev_emails.py): linked from "check your inbox" pages.
        "DEV_MAILBOX": settings.DEBUG
        and settings.EMAIL_BACKEND == "shop.dev_emails.DevEmailBackend",
    }
