"""Order operations. Each is one transaction; locks are taken in allocation.py's order."""

from __future__ import annotations

import enum
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from moneyed import Money

from orders import allocation, totals, vouchers
from orders.exceptions import CheckoutError, FulfilmentError, OutOfStock, RefundError
from orders.models import Order, OrderEvent, OrderLine, ShippingMethod
from orders.signals import (
    email_requested,
    order_expired,
    order_paid,
    order_refunded,
    order_shipped,
)
from shop import metrics
from shop.cart import services as cart_services
from shop.cart.models import Cart
from shop.cart.selectors import price_cart
from shop.money import as_text

logger = logging.getLogger(__name__)

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postcode", "region", "country", "phone")


def record_event(
    *, order: Order, kind: str, message: str, actor: str = "system", data: dict | None = None
) -> OrderEvent:
    return OrderEvent.objects.create(
        order=order, kind=kind, message=message, actor=actor, data=data or {}
    )


def place_order(
    *,
    cart: Cart,
    email: str,
    address: dict,
    shipping_method: ShippingMethod,
    user=None,
    checkout_token: str,
    voucher_code: str = "",
) -> Order:
    """Create the order from the cart with frozen prices and totals, and hold its stock.

    Idempotent per `checkout_token`: a double-clicked "Pay" gets the same order back. An
    earlier unpaid order from the same cart is cancelled so the shopper never holds stock
    twice. Raises CheckoutError (OutOfStock, VoucherError) and changes nothing then.
    """
    existing = Order.objects.filter(checkout_token=checkout_token).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _place_order(
                cart=cart,
                email=email,
                address=address,
                shipping_method=shipping_method,
                user=user,
                checkout_token=checkout_token,
                voucher_code=voucher_code,
            )
    except IntegrityError:
        existing = Order.objects.filter(checkout_token=checkout_token).first()
        if existing is None:
            raise
        return existing


def _place_order(
    *, cart, email, address, shipping_method, user, checkout_token, voucher_code
) -> Order:
    if not shipping_method.is_active:
        raise CheckoutError(_("That shipping method is no longer offered; please choose another."))
    # Locks, in the one order: earlier unpaid orders of this cart, then every variant either
    # touches (pk order), then the voucher. The cart's earlier hold is given back first so it
    # does not compete with this checkout.
    earlier = list(
        Order.objects.select_for_update()
        .filter(cart=cart, status=Order.Status.PENDING_PAYMENT)
        .order_by("pk")
    )
    earlier_variants = [r.variant_id for o in earlier for r in o.reservations.all()]
    cart_variants = list(cart.lines.values_list("variant_id", flat=True))
    allocation.lock_variants([*cart_variants, *earlier_variants])
    for old in earlier:
        _end_unpaid(
            old,
            status=Order.Status.CANCELLED,
            kind="cancelled",
            message="Replaced by a new checkout from the same cart.",
            actor="system",
        )

    priced = price_cart(cart)  # prices now, from the catalog, after the locks
    if priced.is_empty:
        raise CheckoutError(_("Your cart is empty."))
    if priced.blocking_problems:
        raise CheckoutError(" ".join(priced.blocking_problems))
    quantities: dict[int, int] = defaultdict(int)
    for line in priced.lines:
        quantities[line.variant.pk] += line.quantity

    voucher = None
    if voucher_code:
        voucher = vouchers.find(voucher_code, for_update=True)
        vouchers.check(voucher, subtotal=priced.subtotal, email=email)
    amounts = totals.compute(
        priced=priced,
        shipping_method=shipping_method,
        country=address.get("country", ""),
        region=address.get("region", ""),
        voucher=voucher,
    )
    if not amounts.shipping_available:
        raise CheckoutError(
            f"{shipping_method.name} does not ship to that country; please "
            "choose another shipping method."
        )
    now = timezone.now()
    order = Order.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        cart=cart,
        checkout_token=checkout_token,
        email=email,
        currency=amounts.total.currency.code,
        subtotal=amounts.subtotal,
        discount_total=amounts.discount,
        shipping_total=amounts.shipping,
        tax_total=amounts.tax,
        total=amounts.total,
        prices_include_tax=amounts.prices_include_tax,
        tax_name=amounts.tax_name,
        tax_rate=amounts.tax_rate,
        voucher_code=voucher.code if voucher else "",
        shipping_method_name=shipping_method.name,
        reservation_expires_at=now + timedelta(minutes=settings.RESERVATION_MINUTES),
        **{f"shipping_{k}": address.get(k, "") for k in ADDRESS_FIELDS},
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant=line.variant,
            product_name=line.variant.product.name,
            variant_label=line.variant.label,
            sku=line.variant.sku,
            unit_price=line.unit_price,
            quantity=line.quantity,
            line_total=line.line_total,
        )
        for line in priced.lines
    )
    allocation.reserve(order=order, quantities=dict(quantities), until=order.reservation_expires_at)
    if voucher is not None:
        vouchers.redeem(code=voucher.code, order=order, subtotal=priced.subtotal)
    cart_services.set_in_checkout(cart_id=cart.pk, in_checkout=True)
    record_event(
        order=order,
        kind="placed",
        actor=email,
        message=f"Order placed for {as_text(order.total)}; stock held until "
        f"{timezone.localtime(order.reservation_expires_at):%H:%M %Z}.",
    )
    metrics.count_on_commit(metrics.ORDERS, event="placed")
    return order


def _end_unpaid(order: Order, *, status: str, kind: str, message: str, actor: str) -> None:
    """Close an unpaid order: its stock, its voucher and its cart are free again.
    The caller holds the order's row lock."""
    allocation.release(order=order)
    vouchers.give_back(order=order)
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    if order.cart_id:
        cart_services.set_in_checkout(cart_id=order.cart_id, in_checkout=False)
    record_event(order=order, kind=kind, message=message, actor=actor)


class PaymentOutcome(enum.Enum):
    PAID = "paid"
    ALREADY_PAID = "already_paid"
    AMOUNT_MISMATCH = "amount_mismatch"
    STOCK_GONE = "stock_gone"
    NOT_PAYABLE = "not_payable"


def record_payment_method(*, order_id: int, description: str) -> None:
    """Note how the order was paid ("Visa ending in 4242"), as the payment provider said."""
    with transaction.atomic():
        Order.objects.filter(pk=order_id).update(payment_method=description[:80])


def mark_paid(*, order_id: int, amount: Money, reference: str, actor: str) -> PaymentOutcome:
    """Record a payment that the payment provider confirmed. Safe to call any number of times.

    The order is paid only if `amount` is exactly its total; the held stock becomes sold. If
    the hold ran out and the stock is gone, or the amount is wrong, the order is flagged for
    the merchant instead and the caller decides about refunding.
    """
    # Part of the payment's transaction when there is one, without a savepoint of its own:
    # nothing here is caught and carried on from but the stock (its own savepoint below).
    with transaction.atomic(savepoint=False):
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.is_paid or order.status == Order.Status.REFUNDED:
            return PaymentOutcome.ALREADY_PAID
        if amount != order.total:
            if order.events.filter(kind="payment_mismatch", data__reference=reference).exists():
                return PaymentOutcome.AMOUNT_MISMATCH  # told the merchant already
            order.needs_attention = True
            order.save(update_fields=["needs_attention", "updated_at"])
            record_event(
                order=order,
                kind="payment_mismatch",
                actor=actor,
                message=f"Payment {reference} of {as_text(amount)} does not match the order "
                f"total {as_text(order.total)}; not marked paid.",
                data={
                    "reference": reference,
                    "amount": str(amount.amount),
                    "currency": amount.currency.code,
                },
            )
            return PaymentOutcome.AMOUNT_MISMATCH
        if order.status not in (
            Order.Status.PENDING_PAYMENT,
            Order.Status.EXPIRED,
            Order.Status.CANCELLED,
        ):
            return PaymentOutcome.NOT_PAYABLE
        try:
            with transaction.atomic():
                allocation.commit(order=order)
        except OutOfStock as error:
            if order.events.filter(kind="paid_out_of_stock", data__reference=reference).exists():
                return PaymentOutcome.STOCK_GONE
            order.needs_attention = True
            order.save(update_fields=["needs_attention", "updated_at"])
            record_event(
                order=order,
                kind="paid_out_of_stock",
                actor=actor,
                message=f"Payment {reference} arrived after the stock hold ran out: "
                f"{error} A refund is required.",
                data={"reference": reference},
            )
            return PaymentOutcome.STOCK_GONE
        order.status = Order.Status.PAID
        order.paid_at = timezone.now()
        order.save(update_fields=["status", "paid_at", "updated_at"])
        metrics.count_on_commit(metrics.ORDERS, event="paid")
        record_event(
            order=order,
            kind="paid",
            actor=actor,
            message=f"Payment {reference} of {as_text(amount)} received.",
            data={"reference": reference},
        )
        if order.cart_id:
            bought: dict[int, int] = defaultdict(int)
            for line in order.lines.exclude(variant=None):
                bought[line.variant_id] += line.quantity
            cart_services.remove_purchased(cart_id=order.cart_id, quantities=dict(bought))
        order_paid.send(sender=Order, order=order)
        return PaymentOutcome.PAID


@dataclass(frozen=True)
class RefundNotice:
    """What a listener needs to tell the shopper about a refund."""

    amount: Money
    reference: str
    reason: str
    automatic: bool = False
    lines: dict[int, int] | None = None  # order line id -> units given back


def check_refund_lines(order: Order, quantities: dict[int, int]) -> None:
    """Raise RefundError unless every (line id, quantity) can still be refunded."""
    lines = {line.pk: line for line in order.lines.all()}
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise RefundError(
                _("Order %(number)s has no line %(line)s.")
                % {"number": order.number, "line": line_id}
            )
        if quantity < 1:
            raise RefundError(_("Refund at least one unit of each chosen line."))
        if quantity > line.quantity - line.refunded_quantity:
            left = line.quantity - line.refunded_quantity
            raise RefundError(
                _("Only %(n)d of %(product)s (%(variant)s) can still be refunded.")
                % {"n": left, "product": line.product_name, "variant": line.variant_label}
            )


def record_refund(
    *,
    order_id: int,
    amount: Money,
    reference: str,
    actor: str,
    reason: str = "",
    lines: dict[int, int] | None = None,
    settled: bool = False,
    automatic: bool = False,
) -> Order:
    """Record money given back to the shopper (the payment provider confirmed it).

    `settled`: nothing the shopper paid is left to refund. A paid order becomes `refunded`
    when all its total is back, else `partially_refunded`; an order that was never fulfilled
    (its payment came too late, or it was cancelled) becomes `refunded` once settled.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if amount.currency.code != order.currency or amount.amount <= 0:
            raise RefundError(
                _("Cannot record a refund of %(amount)s on order %(number)s.")
                % {"amount": as_text(amount), "number": order.number}
            )
        if lines:
            check_refund_lines(order, lines)
            for line in order.lines.filter(pk__in=lines):
                line.refunded_quantity += lines[line.pk]
                line.save(update_fields=["refunded_quantity"])
        order.refunded_total += amount
        if order.is_paid:
            fully = settled or order.refunded_total >= order.total
            if fully:
                order.status = Order.Status.REFUNDED
            elif order.status == Order.Status.PAID:
                order.status = Order.Status.PARTIALLY_REFUNDED
        elif settled and order.status in (Order.Status.EXPIRED, Order.Status.CANCELLED):
            order.status = Order.Status.REFUNDED
        if settled and order.needs_attention and order.status == Order.Status.REFUNDED:
            order.needs_attention = False
        order.save(update_fields=["refunded_total", "status", "needs_attention", "updated_at"])
        record_event(
            order=order,
            kind="refunded",
            actor=actor,
            message=f"Refunded {as_text(amount)} ({reference}). {reason}".strip(),
            data={
                "reference": reference,
                "amount": str(amount.amount),
                "lines": lines or {},
                "reason": reason,
            },
        )
        order_refunded.send(
            sender=Order,
            order=order,
            refund=RefundNotice(
                amount=amount,
                reference=reference,
                reason=reason,
                automatic=automatic,
                lines=lines or {},
            ),
        )
        return order


def flag(*, order_id: int, kind: str, message: str, actor: str, data: dict | None = None) -> Order:
    """Put the order in front of the merchant with a note in its event log."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        order.needs_attention = True
        order.save(update_fields=["needs_attention", "updated_at"])
        record_event(order=order, kind=kind, actor=actor, message=message, data=data)
        return order


def expire_overdue_orders(*, now=None) -> int:
    """Release the stock of unpaid orders whose hold ran out; they become `expired`."""
    now = now or timezone.now()
    overdue = Order.objects.filter(
        status=Order.Status.PENDING_PAYMENT, reservation_expires_at__lte=now
    ).values_list("pk", flat=True)
    return sum(expire_if_overdue(order_id=order_id, now=now) for order_id in list(overdue))


def expire_if_overdue(*, order_id: int, now=None) -> bool:
    """Expire one unpaid order whose hold ran out. The periodic task calls this for every
    overdue order; pages call it for the order they show, so the embedded shop (no beat)
    tells the truth too."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != Order.Status.PENDING_PAYMENT or (
            order.reservation_expires_at is None or order.reservation_expires_at > now
        ):
            return False  # paid, cancelled or still held while we were looking
        metrics.count_on_commit(metrics.ORDERS, event="expired")
        _end_unpaid(
            order,
            status=Order.Status.EXPIRED,
            kind="expired",
            actor="system",
            message="Not paid in time; the held stock was released.",
        )
        order_expired.send(sender=Order, order=order)
        return True


CARRIER_TRACKING_URLS = {
    "ups": "https://www.ups.com/track?tracknum={number}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
    "royal mail": "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
}


def tracking_url_for(carrier: str, number: str) -> str:
    template = CARRIER_TRACKING_URLS.get(carrier.strip().lower())
    return template.format(number=quote(number.strip())) if template and number.strip() else ""


def mark_shipped(
    *, order_id: int, carrier: str, tracking_number: str, actor: str, tracking_url: str = ""
) -> Order:
    """The parcel left: record carrier and tracking, and tell the shopper (once)."""
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier:
        raise FulfilmentError(_("Enter the carrier."))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status == Order.Status.SHIPPED:
            return order
        if order.status not in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED):
            raise FulfilmentError(
                _("Order %(number)s cannot be shipped: it is %(status)s.")
                % {"number": order.number, "status": order.get_status_display().lower()}
            )
        order.status = Order.Status.SHIPPED
        order.carrier = carrier
        order.tracking_number = tracking_number
        order.tracking_url = tracking_url.strip() or tracking_url_for(carrier, tracking_number)
        order.shipped_at = timezone.now()
        order.save(
            update_fields=[
                "status",
                "carrier",
                "tracking_number",
                "tracking_url",
                "shipped_at",
                "updated_at",
            ]
        )
        record_event(
            order=order,
            kind="shipped",
            actor=actor,
            message=f"Shipped with {carrier}"
            + (f", tracking number {tracking_number}." if tracking_number else "."),
        )
        order_shipped.send(sender=Order, order=order)
        return order


def mark_delivered(*, order_id: int, actor: str) -> Order:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status == Order.Status.DELIVERED:
            return order
        if order.status != Order.Status.SHIPPED:
            raise FulfilmentError(
                _("Order %(number)s cannot be marked delivered: it is %(status)s.")
                % {"number": order.number, "status": order.get_status_display().lower()}
            )
        order.status = Order.Status.DELIVERED
        order.delivered_at = timezone.now()
        order.save(update_fields=["status", "delivered_at", "updated_at"])
        record_event(order=order, kind="delivered", actor=actor, message="Delivered.")
        return order


def resend_confirmation(*, order_id: int, actor: str) -> Order:
    """The merchant sends the confirmation again (the shopper lost it): a new email, logged."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if not order.is_paid:
            raise FulfilmentError(
                _("Order %(number)s is not paid; there is nothing to confirm.")
                % {"number": order.number}
            )
        event = record_event(
            order=order,
            kind="confirmation_resent",
            actor=actor,
            message=f"Confirmation email sent again to {order.email}.",
        )
        email_requested.send(
            sender=Order, order=order, kind="order_confirmation", reference=f"resend-{event.pk}"
        )
        return order


def anonymise_orders_of(*, user) -> int:
    """The customer closed their account: keep their orders for the books (amounts, country
    and region for tax) without who they are or where they live."""
    with transaction.atomic():
        orders = list(Order.objects.select_for_update().filter(user=user).order_by("pk"))
        for order in orders:
            order.user = None
            order.email = f"deleted-customer-{order.number.lower()}@invalid.example"
            order.shipping_name = "Deleted customer"
            for field in ("line1", "line2", "city", "postcode", "phone"):
                setattr(order, f"shipping_{field}", "")
            order.save()
            record_event(
                order=order,
                kind="anonymised",
                actor="customer",
                message="The customer closed their account; their personal details were removed.",
            )
        return len(orders)


def attach_guest_orders(*, user, email: str) -> int:
    """Orders placed as a guest with this (now verified) email become the account's."""
    with transaction.atomic():
        orders = list(
            Order.objects.select_for_update().filter(user=None, email__iexact=email).order_by("pk")
        )
        for order in orders:
            order.user = user
            order.save(update_fields=["user", "updated_at"])
            record_event(
                order=order,
                kind="linked_to_account",
                actor=email,
                message="Linked to the account that confirmed this email address.",
            )
        return len(orders)


def cancel_order(*, order_id: int, actor: str, reason: str = "") -> Order:
    """Cancel an order before it ships. Unpaid: its hold is released. Paid: its units go
    back on the shelf and the order is flagged until the payment is refunded."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        message = f"Cancelled by {actor}. {reason}".strip()
        if order.status == Order.Status.PENDING_PAYMENT:
            _end_unpaid(
                order,
                status=Order.Status.CANCELLED,
                kind="cancelled_by_merchant",
                message=message,
                actor=actor,
            )
            return order
        if order.status != Order.Status.PAID:
            raise CheckoutError(
                _("This order cannot be cancelled: it is %(status)s.")
                % {"status": order.get_status_display().lower()}
            )
        allocation.restore(order=order)
        order.status = Order.Status.CANCELLED
        order.needs_attention = True
        order.save(update_fields=["status", "needs_attention", "updated_at"])
        record_event(
            order=order,
            kind="cancelled",
            actor=actor,
            message=f"{message} Stock restored; the payment must be refunded.",
        )
        return order
