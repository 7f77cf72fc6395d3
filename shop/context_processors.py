from django.conf import settings


def shop(request):
    """What every page needs from the shop itself (the cart's badge is the cart's own:
    shop/cart/context_processors.py)."""
    return {
        "SHOP_NAME": settings.SHOP_NAME,
        "PRICES_INCLUDE_TAX": settings.PRICES_INCLUDE_TAX,
        # The demo's mailbox (shop/dev_emails.py): linked from "check your inbox" pages.
        "DEV_MAILBOX": settings.DEBUG
        and settings.EMAIL_BACKEND == "shop.dev_emails.DevEmailBackend",
    }
