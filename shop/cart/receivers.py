from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from shop.cart import services


@receiver(user_logged_in)
def merge_session_cart(sender, request, user, **kwargs):
    """Signing in keeps what the shopper put in the cart while signed out."""
    if request is not None and hasattr(request, "session"):
        services.merge_on_login(request, user)
