"""Accounts listen to allauth."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from orders import services as order_services


@receiver(email_confirmed)
def link_guest_orders(sender, request, email_address, **kwargs):
    """A guest who later opens an account with the same email sees those orders once the
    address is confirmed: proof it is theirs."""
    order_services.attach_guest_orders(user=email_address.user, email=email_address.email)
