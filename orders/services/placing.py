"""Placing an order: the cart becomes an order with frozen prices, its stock held."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giftcards import services as giftcard_services
from giftcards.exceptions import GiftCardError
from orders import allocation, checkout, vouchers
from orders import metrics as order_metrics
from orders.exceptions import CheckoutError, CheckoutErrorCode
from orders.models import Order, OrderEvent, OrderLine, ShippingMethod
from orders.services.events import record_event
from orders.services.lifecycle import end_unpaid
from orders.services.paying import mark_paid
from shop import metrics
from shop.cart import services as cart_services
from shop.cart.models import Cart
from shop.languages import shop_language
from shop.money import as_text, zero

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postcode", "region", "country", "phone")


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
        raise CheckoutError(
            _("That shipping method is no longer offered; please choose another."),
            CheckoutErrorCode.SHIPPING_METHOD_UNAVAILABLE,
        )
    # Locks, in the one order: earlier unpaid orders of this cart, then the gift cards and
    # credit accounts this checkout or those orders use (pk order), then every variant either
    # touches (pk order), then the voucher, then the running promotions with a limit (pk
    # order). The cart's earlier hold is given back first so it does not compete with this
    # checkout.
    earlier = list(
        Order.objects.select_for_update()
        .filter(cart=cart, status=Order.Status.PENDING_PAYMENT)
        .order_by("pk")
    )
    prepaid_sources = giftcard_services.lock_for_checkout(
        cart_id=cart.pk, order_ids=[o.pk for o in earlier]
    )
    earlier_variants = [r.variant_id for o in earlier for r in o.reservations.all()]
    cart_variants = list(cart.lines.values_list("variant_id", flat=True))
    allocation.lock_variants([*cart_variants, *earlier_variants])
    for old in earlier:
        end_unpaid(
            old,
            status=Order.Status.CANCELLED,
            kind=OrderEvent.Kind.CANCELLED,
            message="Replaced by a new checkout from the same cart.",
            actor="system",
        )

    priced = checkout.cart_ready(cart=cart)  # prices now, from the catalog, after the locks
    market = checkout.in_address_market(priced=priced, country=address.get("country", ""))
    quantities: dict[int, int] = defaultdict(int)
    for line in priced.lines:
        quantities[line.variant.pk] += line.quantity

    voucher = checkout.applicable_voucher(
        code=voucher_code, subtotal=priced.subtotal, email=email, for_update=True
    )
    # Then every running promotion with a limit (pk order): their uses are counted under the
    # lock, and written below in this transaction.
    currency = priced.subtotal.currency.code
    vouchers.lock_limited(currency=currency, code=voucher.code if voucher else "")
    amounts = checkout.totals_for(
        priced=priced,
        shipping_method=shipping_method,
        address=address,
        voucher=voucher,
        email=email,
        user=user,
    )
    if not amounts.shipping_available:
        raise CheckoutError(
            _("%(method)s does not ship to that country; please choose another shipping method.")
            % {"method": shipping_method.name},
            CheckoutErrorCode.NOT_SHIPPABLE,
        )
    prepaid = _prepaid(cart=cart, total=amounts.total, user=user, locked=prepaid_sources)
    now = timezone.now()
    order = Order.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        cart=cart,
        checkout_token=checkout_token,
        email=email,
        # The page's (or the API request's) language: the order's emails will speak it.
        language=shop_language(),
        currency=amounts.total.currency.code,
        market=market,
        subtotal=amounts.subtotal,
        discount_total=amounts.discount,
        shipping_total=amounts.shipping,
        tax_total=amounts.tax,
        total=amounts.total,
        # Every amount in the order's currency, those that start at nothing too.
        refunded_total=zero(amounts.total.currency.code),
        prepaid_total=prepaid.covered,
        prices_include_tax=amounts.prices_include_tax,
        tax_name=amounts.tax_name,
        tax_rate=amounts.tax_rate,
        voucher_code=voucher.code if voucher else "",
        applied_promotions=[p.as_json() for p in amounts.promotions],
        shipping_discount=amounts.shipping_discount or zero(currency),
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
            discount=amounts.line_discounts.get(line.line_id) or zero(currency),
            gift_card=line.gift_card if line.variant.product.is_gift_card else {},
        )
        for line in priced.lines
    )
    allocation.reserve(order=order, quantities=dict(quantities), until=order.reservation_expires_at)
    if voucher is not None:
        vouchers.redeem(voucher=voucher, order=order)  # locked and checked above
    vouchers.record_uses(order=order, applied=amounts.promotions)
    try:
        giftcard_services.capture(
            coverage=prepaid,
            cart_id=cart.pk,
            order_id=order.pk,
            order_number=order.number,
            actor=email,
        )
    except GiftCardError as error:  # re-checked under the locks above: a bug if it happens
        raise CheckoutError(str(error), CheckoutErrorCode.GIFT_CARD_REFUSED) from error
    cart_services.set_in_checkout(cart_id=cart.pk, in_checkout=True)
    record_event(
        order=order,
        kind=OrderEvent.Kind.PLACED,
        actor=email,
        message=f"Order placed for {as_text(order.total)}; stock held until "
        f"{timezone.localtime(order.reservation_expires_at):%H:%M %Z}.",
    )
    metrics.count_on_commit(order_metrics.ORDERS, event="placed")
    if prepaid.parts and not order.amount_due.amount:
        # Paid in full by gift cards and store credit: no payment provider is asked; paid
        # through the same bookkeeping as a payment (stock sold, emails, events), once.
        mark_paid(
            order_id=order.pk,
            amount=order.amount_due,
            reference=f"gift cards {order.number}",
            actor=email,
        )
        order.refresh_from_db()
    return order


def _prepaid(*, cart, total, user, locked) -> giftcard_services.Coverage:
    """What the gift cards and store credit applied to the cart pay of `total`, re-checked
    under their locks; a card that can no longer pay refuses the order (nothing is asked of
    the payment provider)."""
    try:
        return giftcard_services.coverage_for(
            cart=cart,
            total=total,
            user=user if user is not None and user.is_authenticated else None,
            strict=True,
            locked=locked,
        )
    except GiftCardError as error:
        raise CheckoutError(str(error), CheckoutErrorCode.GIFT_CARD_REFUSED) from error
