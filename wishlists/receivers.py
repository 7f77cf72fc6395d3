from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from wishlists import services


@receiver(user_logged_in)
def merge_session_wishlist(sender, request, user, **kwargs):
    """Signing in keeps what the shopper saved while signed out, as the cart does."""
    if request is not None and hasattr(request, "session"):
        services.merge_on_login(request, user)
