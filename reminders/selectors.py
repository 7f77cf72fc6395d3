"""Reading for the reminders: whether a cart may still be reminded, what an email shows (the
worker renders it at sending time, so prices and stock are today's), the revenue recovered."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from moneyed import Money

from orders.models import Order
from reminders import tokens
from reminders.models import (
    CartContact,
    CartRecovery,
    CartReminder,
    EmailPreference,
    StockAlert,
    Topic,
)
from reminders.signals import ReminderEmail
from shop.cart.models import CartLine
from shop.cart.selectors import PricedCart, price_cart
from shop.catalog.models import Variant
from shop.money import money

# Orders that mean "the shopper bought": anything but an unpaid order given up on.
GIVEN_UP = (Order.Status.EXPIRED, Order.Status.CANCELLED)
# Orders whose money the merchant keeps (the revenue a reminder recovered).
KEPT = (
    Order.Status.PAID,
    Order.Status.SHIPPED,
    Order.Status.DELIVERED,
    Order.Status.PARTIALLY_REFUNDED,
)


def allows(email: str, topic: str) -> bool:
    """Whether this address accepts this kind of marketing email (no row: yes)."""
    preference = EmailPreference.objects.filter(email=(email or "").strip().lower()).first()
    return preference is None or preference.allows(topic)


def preference_for(email: str) -> EmailPreference:
    """The address's preferences, as saved or (unsaved) the defaults."""
    email = (email or "").strip().lower()
    return EmailPreference.objects.filter(email=email).first() or EmailPreference(email=email)


def needs_consent(country: str) -> bool:
    """Whether a cart reminder needs the shopper's opt-in: a consent country, or no country
    known (the cautious answer)."""
    consent_countries = {c.strip().upper() for c in settings.MARKETING_CONSENT_COUNTRIES}
    return not country or country.upper() in consent_countries


def last_activity(contact: CartContact):
    """When the shopper last did something with the cart: added a line, or gave their
    checkout details (the cart row's own time moves with checkout and merges)."""
    latest_line = CartLine.objects.filter(cart_id=contact.cart_id).aggregate(t=Max("added_at"))
    moments = [contact.cart.updated_at, latest_line["t"], contact.checkout_at]
    return max(m for m in moments if m is not None)


def why_not_remind(contact: CartContact, priced: PricedCart | None = None) -> str | None:
    """Why this cart must not be reminded now, or None. Asked when the reminder is decided
    and again when the worker sends it."""
    cart = contact.cart
    if not contact.email:
        return "no address"
    lines = CartLine.objects.filter(cart_id=cart.pk)
    since = lines.aggregate(t=Min("added_at"))["t"]
    if since is None:
        return "empty"
    if cart.in_checkout:
        return "ordered"  # an order from it awaits payment
    ordered = (
        Order.objects.filter(Q(cart_id=cart.pk) | Q(email__iexact=contact.email))
        .filter(created_at__gte=since)
        .exclude(status__in=GIVEN_UP)
    )
    if ordered.exists():
        return "ordered"
    newer = CartContact.objects.filter(email__iexact=contact.email).exclude(pk=contact.pk)
    if newer.filter(checkout_at__gt=contact.checkout_at or since).exists():
        return "newer checkout"
    if not allows(contact.email, Topic.ABANDONED_CART):
        return "unsubscribed"
    if needs_consent(contact.country) and not contact.consented:
        return "no consent"
    priced = priced or price_cart(cart)
    if not any(_buyable(line) for line in priced.lines):
        return "sold out"
    return None


def _buyable(line) -> bool:
    return line.variant.product.is_published and line.variant.available > 0


def variant_for_alert(variant_id) -> Variant | None:
    """The published variant a sign-up names (any text: a form's or a URL's), or None."""
    text = str(variant_id or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return (
        Variant.objects.select_related("product")
        .filter(pk=int(text), product__is_published=True)
        .first()
    )


def restore_preview(reminder: CartReminder) -> PricedCart:
    """The reminded cart at today's prices and stock (never its address or email)."""
    return price_cart(reminder.contact.cart)


def email_content(kind: str, data: dict) -> dict | None:
    """What a reminder's email shows, read now: {"subject", "context"}, or None when it is no
    longer true (the alert was cancelled, the cart ordered, emptied or sold out)."""
    if kind in (ReminderEmail.BACK_IN_STOCK, ReminderEmail.BACK_IN_STOCK_CONFIRM):
        alert = (
            StockAlert.objects.select_related("variant__product")
            .filter(pk=data.get("alert"))
            .first()
        )
        if alert is None:
            return None
        wanted = (
            StockAlert.Status.PENDING
            if kind == ReminderEmail.BACK_IN_STOCK_CONFIRM
            else StockAlert.Status.NOTIFIED
        )
        if alert.status != wanted:
            return None
        variant = alert.variant
        product_url = tokens.absolute(variant.product.get_absolute_url())
        if variant.options:
            product_url += f"?variant={variant.sku}"
        context = {"alert": alert, "variant": variant, "product_url": product_url}
        if kind == ReminderEmail.BACK_IN_STOCK_CONFIRM:
            context["confirm_url"] = tokens.confirm_alert_url(alert.pk)
            subject = _("Please confirm your alert for %(item)s") % {"item": variant}
        else:
            subject = _("%(item)s is back in stock") % {"item": variant}
        return {"subject": subject, "context": context}
    if kind == ReminderEmail.ABANDONED_CART:
        reminder = (
            CartReminder.objects.select_related("contact__cart")
            .filter(pk=data.get("reminder"))
            .first()
        )
        if reminder is None:
            return None
        priced = price_cart(reminder.contact.cart)
        if why_not_remind(reminder.contact, priced) is not None:
            return None
        return {
            "subject": _("You left something in your cart"),
            "context": {
                "reminder": reminder,
                "priced": priced,
                "restore_url": tokens.restore_url(reminder.pk),
                "link_days": settings.ABANDONED_CART_LINK_DAYS,
            },
        }
    return None


def recovered_revenue(*, days: int = 30) -> Money:
    """What orders placed from restored carts brought in over the last `days`, refunds taken
    off (paid orders only)."""
    since = timezone.now() - timedelta(days=days)
    orders = Order.objects.filter(
        pk__in=CartRecovery.objects.filter(order__isnull=False).values("order_id"),
        status__in=KEPT,
        created_at__gte=since,
    )
    totals = orders.aggregate(total=Sum("total"), refunded=Sum("refunded_total"))
    amount = (totals["total"] or Decimal(0)) - (totals["refunded"] or Decimal(0))
    return money(amount, settings.SHOP_CURRENCY)


def recovered_revenue_figure() -> dict:
    """The dashboard's figure (orders/dashboard.py FIGURES, added by the site)."""
    from shop.catalog.templatetags.shop_tags import money as format_money

    since = timezone.now() - timedelta(days=30)
    count = CartRecovery.objects.filter(
        order__isnull=False, order__status__in=KEPT, order__created_at__gte=since
    ).count()
    return {
        "title": _("Recovered from cart reminders, last 30 days"),
        "value": format_money(recovered_revenue(days=30)),
        "note": ngettext(
            "%(count)d order from a restored cart", "%(count)d orders from restored carts", count
        )
        % {"count": count},
    }
