"""The reminders' business actions, one transaction each: email preferences, back-in-stock
alerts and their batches, abandoned carts (the reminder, the restore link, the recovery).

Emails are asked for with reminders.signals.email_requested inside the deciding transaction:
the worker's outbox records each once (its unique kind and reference), whatever the retries
and however many workers run the same scan.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from orders import vouchers
from reminders import selectors, tokens
from reminders.exceptions import ReminderError, ReminderErrorCode
from reminders.models import (
    CartContact,
    CartRecovery,
    CartReminder,
    EmailPreference,
    StockAlert,
    StockAlertBatch,
    Topic,
)
from reminders.signals import ReminderEmail, email_requested
from shop import ratelimits
from shop.cart.models import Cart, CartLine
from shop.cart.selectors import SESSION_KEY
from shop.catalog.models import MAX_LINE_QUANTITY, Variant

logger = logging.getLogger(__name__)

MAX_EMAIL = 254


def _ask(kind: ReminderEmail, *, reference: str, recipient: str, data: dict) -> None:
    email_requested.send(
        sender=_ask, kind=str(kind), reference=reference, recipient=recipient, data=data
    )


def clean_email(email) -> str:
    """The address in lower case, or ReminderError INVALID_EMAIL."""
    email = str(email or "").strip()
    try:
        if len(email) > MAX_EMAIL or "\x00" in email:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError as error:
        raise ReminderError(
            _("Please enter a valid email address."), ReminderErrorCode.INVALID_EMAIL
        ) from error
    return email.lower()


# --- preferences -------------------------------------------------------------------------


def _preference_for_update(email: str) -> EmailPreference:
    EmailPreference.objects.bulk_create([EmailPreference(email=email)], ignore_conflicts=True)
    return EmailPreference.objects.select_for_update().get(email=email)


def set_preferences(*, email: str, marketing: bool, topics: dict[str, bool]) -> EmailPreference:
    """Save what the address accepts: `marketing` off refuses every topic; `topics` maps a
    Topic to on or off. Turning back-in-stock alerts off cancels the open ones."""
    email = clean_email(email)
    with transaction.atomic():
        preference = _preference_for_update(email)
        preference.marketing = bool(marketing)
        for topic in Topic:
            if str(topic) in topics:
                setattr(preference, str(topic), bool(topics[str(topic)]))
        preference.save()
        if not preference.allows(Topic.BACK_IN_STOCK):
            _cancel_alerts(email)
        return preference


def unsubscribe(*, email: str, topic: str = "") -> EmailPreference:
    """One click in an email: no more of this topic (an unknown or empty topic: no marketing
    email at all). Saying it twice is the same as once."""
    email = clean_email(email)
    with transaction.atomic():
        preference = _preference_for_update(email)
        if topic in Topic.values:
            setattr(preference, topic, False)
        else:
            preference.marketing = False
        preference.save()
        if not preference.allows(Topic.BACK_IN_STOCK):
            _cancel_alerts(email)
        return preference


def _cancel_alerts(email: str) -> None:
    StockAlert.objects.filter(email=email, status__in=StockAlert.OPEN).update(
        status=StockAlert.Status.CANCELLED
    )


def _allow_topic(email: str, topic: Topic) -> None:
    """An explicit request (a confirmed alert) wins over an earlier opt-out of its topic; the
    other topics stay as they were."""
    preference = EmailPreference.objects.select_for_update().filter(email=email).first()
    if preference is None or preference.allows(topic):
        return
    if not preference.marketing:
        preference.marketing = True
        for other in Topic:
            if other != topic:
                setattr(preference, str(other), False)
    setattr(preference, str(topic), True)
    preference.save()


# --- back in stock -----------------------------------------------------------------------


def _too_many(scope: str, ident: str) -> bool:
    limit, window = ratelimits.parse_rate(settings.BACK_IN_STOCK_SIGNUP_RATE)
    verdict = ratelimits.hit(ratelimits.caller_key(scope, ident), limit=limit, window=window)
    return not verdict.allowed


def _verified(user, email: str) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def subscribe_to_stock(
    *, variant_id, email: str = "", user=None, client_ip: str = "", language: str | None = None
) -> StockAlert:
    """ "Email me when it is back" for a sold-out variant.

    A guest's address is confirmed first (an email with a link: double opt-in); a signed-in
    shopper's verified address is confirmed at once. Asking again for the same variant gives
    the open alert back, nothing more. Sign-ups are rate-limited per network address and per
    email address. Raises ReminderError."""
    signed_in = bool(getattr(user, "is_authenticated", False))
    email = str(email or "").strip() or (user.email if signed_in else "")
    if not email:
        raise ReminderError(_("Please enter your email address."), ReminderErrorCode.EMAIL_NEEDED)
    email = clean_email(email)
    try:
        variant_id = int(variant_id)
    except (TypeError, ValueError):
        variant_id = 0
    if _too_many("stock-alert-ip", client_ip or "unknown") or _too_many("stock-alert", email):
        raise ReminderError(
            _("Too many sign-ups; please wait a little and try again."),
            ReminderErrorCode.TOO_MANY,
        )
    now = timezone.now()
    with transaction.atomic():
        variant = (
            Variant.objects.select_related("product")
            .filter(pk=variant_id, product__is_published=True)
            .first()
        )
        if variant is None:
            raise ReminderError(
                _("That product is not available."), ReminderErrorCode.UNKNOWN_VARIANT
            )
        if variant.available > 0:
            raise ReminderError(
                _("%(item)s is in stock: you can add it to your cart now.") % {"item": variant},
                ReminderErrorCode.IN_STOCK,
            )
        confirmed = signed_in and _verified(user, email)
        existing = (
            StockAlert.objects.select_for_update()
            .filter(variant=variant, email=email, status__in=StockAlert.OPEN)
            .first()
        )
        if existing is not None:
            if confirmed and existing.status == StockAlert.Status.PENDING:
                _confirm(existing, now)
            return existing
        alert = StockAlert(
            variant=variant,
            email=email,
            user=user if signed_in else None,
            language=language if language is not None else (get_language() or ""),
            status=StockAlert.Status.CONFIRMED if confirmed else StockAlert.Status.PENDING,
            confirmed_at=now if confirmed else None,
            expires_at=now + timedelta(days=settings.BACK_IN_STOCK_ALERT_DAYS),
        )
        try:
            with transaction.atomic():
                alert.save()
        except IntegrityError:  # the same sign-up at the same moment: that one stands
            return StockAlert.objects.get(variant=variant, email=email, status__in=StockAlert.OPEN)
        if confirmed:
            _allow_topic(email, Topic.BACK_IN_STOCK)
        else:
            _ask(
                ReminderEmail.BACK_IN_STOCK_CONFIRM,
                reference=f"alert-{alert.pk}",
                recipient=email,
                data={"alert": alert.pk, "language": alert.language},
            )
        return alert


def _confirm(alert: StockAlert, now) -> None:
    alert.status = StockAlert.Status.CONFIRMED
    alert.confirmed_at = now
    alert.save(update_fields=["status", "confirmed_at"])
    _allow_topic(alert.email, Topic.BACK_IN_STOCK)


def confirm_alert(*, token: str) -> StockAlert:
    """The link in the double opt-in email: the alert waits for stock from now on. Twice is
    the same as once. Raises ReminderError for a bad, expired or closed link."""
    alert_id = tokens.read_confirm_alert(token)
    now = timezone.now()
    with transaction.atomic():
        alert = (
            StockAlert.objects.select_for_update()
            .select_related("variant__product")
            .filter(pk=alert_id)
            .first()
        )
        if alert is None:
            raise ReminderError(_("This link is not valid."), ReminderErrorCode.BAD_LINK)
        if alert.status in (StockAlert.Status.CONFIRMED, StockAlert.Status.NOTIFIED):
            return alert
        if alert.status != StockAlert.Status.PENDING or alert.expires_at <= now:
            raise ReminderError(
                _("This alert has expired or was cancelled. Sign up again on the product page."),
                ReminderErrorCode.ALERT_CLOSED,
            )
        _confirm(alert, now)
        return alert


def batch_size(units: int) -> int:
    """How many alerts one batch emails for this many units to sell."""
    cap = settings.BACK_IN_STOCK_MAX_BATCH
    wanted = math.ceil(min(units, cap) * settings.BACK_IN_STOCK_BATCH_MULTIPLE)
    return max(1, min(wanted, cap))


def notify_back_in_stock(*, variant_id: int, now=None) -> int:
    """Email the next batch of a variant's confirmed alerts, first come first served, sized
    to the units there are to sell now; returns how many. Nothing if the variant is still
    sold out, or its last batch went less than BACK_IN_STOCK_BATCH_MINUTES ago (the rest go
    later, if stock remains). Each alert is emailed once, then closed.

    Safe on any number of workers at once: the batch's number is unique per variant, so two
    runs that start the same batch meet there and one of them changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
        if variant is None or not variant.product.is_published:
            return 0
        units = variant.available
        if units <= 0:
            return 0
        last = StockAlertBatch.objects.filter(variant=variant).order_by("-number").first()
        if last is not None and last.created_at > now - timedelta(
            minutes=settings.BACK_IN_STOCK_BATCH_MINUTES
        ):
            return 0
        refused = EmailPreference.objects.filter(
            Q(marketing=False) | Q(back_in_stock=False)
        ).values("email")
        alerts = list(
            StockAlert.objects.select_for_update(skip_locked=True)
            .filter(variant=variant, status=StockAlert.Status.CONFIRMED, expires_at__gt=now)
            .exclude(email__in=refused)
            .order_by("confirmed_at", "pk")[: batch_size(units)]
        )
        if not alerts:
            return 0
        try:
            with transaction.atomic():
                batch = StockAlertBatch.objects.create(
                    variant=variant,
                    number=(last.number + 1) if last else 1,
                    units=min(units, 2**31 - 1),
                    size=len(alerts),
                )
        except IntegrityError:  # another worker sent this batch
            return 0
        StockAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(
            status=StockAlert.Status.NOTIFIED, notified_at=now, batch=batch
        )
        for alert in alerts:
            _ask(
                ReminderEmail.BACK_IN_STOCK,
                reference=f"alert-{alert.pk}",
                recipient=alert.email,
                data={"alert": alert.pk, "language": alert.language},
            )
        logger.info(
            "Back in stock: variant %s, batch %s, %s emails", variant.pk, batch.number, len(alerts)
        )
        return len(alerts)


def expire_alerts(*, now=None) -> int:
    """Sign-ups older than BACK_IN_STOCK_ALERT_DAYS close without an email."""
    now = now or timezone.now()
    return StockAlert.objects.filter(status__in=StockAlert.OPEN, expires_at__lte=now).update(
        status=StockAlert.Status.EXPIRED
    )


def scan_stock_alerts(*, now=None) -> int:
    """The safety net behind the catalog's stock_returned signal, run periodically: expire
    old sign-ups, then send the next batch for every variant with confirmed alerts and stock
    (a restock whose signal was lost, or stock that remains after a batch)."""
    now = now or timezone.now()
    expire_alerts(now=now)
    variant_ids = (
        StockAlert.objects.filter(status=StockAlert.Status.CONFIRMED, expires_at__gt=now)
        .values_list("variant_id", flat=True)
        .distinct()
    )
    return sum(notify_back_in_stock(variant_id=pk, now=now) for pk in list(variant_ids))


# --- abandoned carts ---------------------------------------------------------------------


def note_checkout(
    *, cart: Cart, email: str, country: str, consented: bool, language: str = ""
) -> CartContact:
    """The checkout's details for this cart (the latest choice of the opt-in box wins): one
    INSERT ... ON CONFLICT DO UPDATE, on the checkout's own hot path."""
    email = clean_email(email)
    values = {
        "email": email,
        "country": (country or "")[:2].upper(),
        "consented": bool(consented),
        "language": (language or "")[:16],
        "checkout_at": timezone.now(),
    }
    [contact] = CartContact.objects.bulk_create(
        [CartContact(cart=cart, **values)],
        update_conflicts=True,
        unique_fields=["cart"],
        update_fields=list(values),
    )
    return contact


def _contacts_for_signed_in_carts() -> None:
    """A signed-in shopper's cart has a known address without any checkout: its contact is
    their account's (country: their default address's, if any)."""
    carts = (
        Cart.objects.filter(user__isnull=False, lines__isnull=False, user__is_active=True)
        .exclude(user__email="")
        .exclude(pk__in=CartContact.objects.values("cart_id"))
        .select_related("user")
        .distinct()[:1000]
    )
    contacts = []
    for cart in carts:
        addresses = getattr(cart.user, "addresses", None)
        default = addresses.filter(is_default=True).first() if addresses is not None else None
        contacts.append(
            CartContact(
                cart=cart,
                email=cart.user.email.lower(),
                country=getattr(default, "country", "") or "",
            )
        )
    CartContact.objects.bulk_create(contacts, ignore_conflicts=True)


def remind_abandoned_carts(*, now=None) -> int:
    """Periodic: owe the next reminder of every cart idle for ABANDONED_CART_DELAY_HOURS with
    a known address; returns how many were owed."""
    now = now or timezone.now()
    _contacts_for_signed_in_carts()
    idle_since = now - timedelta(hours=settings.ABANDONED_CART_DELAY_HOURS)
    candidates = (
        CartContact.objects.filter(cart__lines__isnull=False, cart__updated_at__lte=idle_since)
        .filter(Q(checkout_at__isnull=True) | Q(checkout_at__lte=idle_since))
        .exclude(cart__lines__added_at__gt=idle_since)
        .values_list("pk", flat=True)
        .distinct()
    )
    owed = 0
    for contact_id in list(candidates[:5000]):
        if remind_cart(contact_id=contact_id, now=now) is not None:
            owed += 1
    return owed


def remind_cart(*, contact_id: int, now=None) -> CartReminder | None:
    """Owe this cart's next reminder if it is due and nothing forbids it (selectors.
    why_not_remind: ordered, a newer checkout, unsubscribed, no consent, all sold out).
    At most ABANDONED_CART_REMINDERS per episode, ABANDONED_CART_SPACING_HOURS apart, each
    step once: the contact's row lock and the unique (contact, episode, step)."""
    now = now or timezone.now()
    with transaction.atomic():
        contact = (
            CartContact.objects.select_for_update(of=("self",))
            .select_related("cart")
            .filter(pk=contact_id)
            .first()
        )
        if contact is None:
            return None
        sent = list(contact.reminders.filter(episode=contact.episode).order_by("step"))
        if len(sent) >= settings.ABANDONED_CART_REMINDERS:
            return None
        spacing = timedelta(hours=settings.ABANDONED_CART_SPACING_HOURS)
        if sent and sent[-1].created_at > now - spacing:
            return None
        delay = timedelta(hours=settings.ABANDONED_CART_DELAY_HOURS)
        if selectors.last_activity(contact) > now - delay:
            return None
        reason = selectors.why_not_remind(contact)
        if reason is not None:
            logger.debug("No reminder for cart %s: %s", contact.cart_id, reason)
            return None
        step = len(sent) + 1
        code = ""
        if (
            settings.ABANDONED_CART_VOUCHER_PERCENT > 0
            and step == settings.ABANDONED_CART_REMINDERS
        ):
            code = vouchers.issue_single_use(
                percent=settings.ABANDONED_CART_VOUCHER_PERCENT,
                email=contact.email,
                days=settings.ABANDONED_CART_LINK_DAYS,
                prefix="BACK",
            ).code
        try:
            with transaction.atomic():
                reminder = CartReminder.objects.create(
                    contact=contact, episode=contact.episode, step=step, code=code
                )
        except IntegrityError:
            return None
        _ask(
            ReminderEmail.ABANDONED_CART,
            reference=reminder.reference,
            recipient=contact.email,
            data={"reminder": reminder.pk, "language": contact.language},
        )
        return reminder


def reminder_from_link(token: str) -> CartReminder:
    """The reminder a restore link stands for, or ReminderError (bad, expired, or the cart
    is gone)."""
    reminder_id = tokens.read_restore(token)
    reminder = CartReminder.objects.select_related("contact__cart").filter(pk=reminder_id).first()
    if reminder is None:
        raise ReminderError(
            _("That cart is no longer there: it was bought or emptied."),
            ReminderErrorCode.CART_GONE,
        )
    return reminder


def restore_cart(*, token: str, request) -> tuple[Cart, list[str]]:
    """Put a reminded cart's items into the visitor's cart (a guest: a new cart in their
    session), at most what is in stock, without signing anyone in. Twice is the same as
    once. The new cart carries a CartRecovery, which attributes the order placed from it.
    Returns the cart and notes for the shopper."""
    reminder = reminder_from_link(token)
    notes: list[str] = []
    with transaction.atomic():
        source = list(
            CartLine.objects.filter(cart_id=reminder.contact.cart_id).select_related(
                "variant__product"
            )
        )
        if not source:
            raise ReminderError(
                _("That cart is no longer there: it was bought or emptied."),
                ReminderErrorCode.CART_GONE,
            )
        target = _visitor_cart(request)
        existing = {line.variant_id: line for line in CartLine.objects.filter(cart=target)}
        restored = 0
        for line in source:
            variant = line.variant
            if not variant.product.is_published or variant.available <= 0:
                notes.append(_("%(item)s is sold out.") % {"item": variant})
                continue
            quantity = min(line.quantity, variant.available, MAX_LINE_QUANTITY)
            if quantity < line.quantity:
                notes.append(
                    _("Only %(n)d of %(item)s are available; your cart holds %(n)d.")
                    % {"n": quantity, "item": variant}
                )
            mine = existing.get(variant.pk)
            if mine is None:
                CartLine.objects.create(cart=target, variant=variant, quantity=quantity)
            elif mine.quantity < quantity:
                CartLine.objects.filter(pk=mine.pk).update(quantity=quantity)
            restored += 1
        if not restored:
            raise ReminderError(
                _("Everything in that cart is sold out now."), ReminderErrorCode.CART_GONE
            )
        if not CartRecovery.objects.filter(reminder=reminder, cart=target).exists():
            CartRecovery.objects.create(reminder=reminder, cart=target)
        return target, notes


def _visitor_cart(request) -> Cart:
    """The visitor's own cart, created if need be: a signed-in visitor's, or a guest's in
    their session (never the reminded shopper's)."""
    user = request.user
    if user.is_authenticated:
        cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    cart_id = request.session.get(SESSION_KEY)
    cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    if cart is None:
        cart = Cart.objects.create()
        request.session[SESSION_KEY] = cart.pk
    return cart


def order_paid(*, order) -> None:
    """An order was paid: its cart's reminders start a new episode, and if the cart was
    restored from a reminder (in the link's lifetime) the order is its recovery."""
    if order.cart_id is None:
        return
    CartContact.objects.filter(cart_id=order.cart_id).update(episode=F("episode") + 1)
    window = timezone.now() - timedelta(days=settings.ABANDONED_CART_LINK_DAYS)
    recovery = (
        CartRecovery.objects.select_for_update()
        .filter(cart_id=order.cart_id, order__isnull=True, restored_at__gte=window)
        .order_by("-restored_at")
        .first()
    )
    if recovery is not None:
        recovery.order = order
        recovery.revenue = order.total
        recovery.save(update_fields=["order", "revenue"])
