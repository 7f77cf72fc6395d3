"""Accounts listen to allauth and to Django's sign-in."""

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from orders import services as order_services


@receiver(email_confirmed)
def link_guest_orders(sender, request, email_address, **kwargs):
    """A guest who later opens an account with the same email sees those orders once the
    address is confirmed: proof it is theirs."""
    order_services.attach_guest_orders(user=email_address.user, email=email_address.email)


@receiver(user_logged_in)
def link_guest_orders_at_sign_in(sender, request, user, **kwargs):
    """Orders placed as a guest with an address the account has already confirmed (the
    shopper forgot to sign in) join the account at its next sign-in."""
    for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
        "email", flat=True
    ):
        order_services.attach_guest_orders(user=user, email=email)
