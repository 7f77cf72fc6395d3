from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from markets.signals import market_changed
from shop.cart import services


@receiver(user_logged_in)
def merge_session_cart(sender, request, user, **kwargs):
    """Signing in keeps what the shopper put in the cart while signed out."""
    if request is not None and hasattr(request, "session"):
        services.merge_on_login(request, user)


@receiver(market_changed)
def reprice_for_market(sender, request, market, **kwargs):
    """A shopper who changes market gets their cart in its currency (the notes say what
    changed: re-priced, lines not sold there removed)."""
    return services.follow_market(request=request)
