"""The reminders listen to what orders announce (orders cannot import them)."""

from django.dispatch import receiver

from orders.signals import checkout_details_given, order_paid
from reminders import services
from reminders.exceptions import ReminderError


@receiver(checkout_details_given)
def keep_checkout_contact(sender, cart, email, country, marketing_opt_in, language="", **kwargs):
    if cart is None or cart.pk is None:
        return
    try:
        services.note_checkout(
            cart=cart,
            email=email,
            country=country,
            consented=marketing_opt_in,
            language=language,
        )
    except ReminderError:  # an address the checkout's form took but we cannot write to
        return


@receiver(order_paid)
def follow_paid_order(sender, order, **kwargs):
    services.order_paid(order=order)
