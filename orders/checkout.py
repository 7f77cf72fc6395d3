"""What checking out needs, written once: the pages (orders/views.py), the API (orders/api.py,
payments/api.py) and the services (orders/services/placing.py) all call these. Each raises the
orders' domain errors (orders/exceptions.py); the pages show the message, the API its code."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from moneyed import Money

from markets.selectors import market_for_country
from orders import signals, totals, vouchers
from orders.exceptions import CheckoutError, CheckoutErrorCode
from orders.models import Order, ShippingMethod, ShippingRate, Voucher
from orders.services.lifecycle import expire_if_overdue
from promotions import engine
from promotions.models import Promotion
from shop.cart.models import Cart
from shop.cart.selectors import PricedCart, price_cart


def cart_ready(*, cart: Cart | None) -> PricedCart:
    """The cart priced now, if it can be checked out; otherwise CheckoutError: CART_EMPTY, or
    CART_BLOCKED with every blocking problem in its message."""
    return ready(priced=price_cart(cart))


def ready(*, priced: PricedCart) -> PricedCart:
    """As cart_ready, for a cart already priced (placing prices it again after its locks)."""
    if priced.is_empty:
        raise CheckoutError(_("Your cart is empty."), CheckoutErrorCode.CART_EMPTY)
    if priced.blocking_problems:
        raise CheckoutError(" ".join(priced.blocking_problems), CheckoutErrorCode.CART_BLOCKED)
    return priced


def in_address_market(*, priced: PricedCart, country: str):
    """The market of the address's country, when the cart is priced in its currency; else
    CheckoutError(MARKET_CHANGED): the cart must be re-priced there, and the shopper shown the
    new total, before paying (never a silent conversion). Pages, API and placing ask here."""
    market = market_for_country(country)
    if priced.subtotal.currency.code != market.price_currency:
        raise CheckoutError(
            _(
                "Your address is in %(market)s, which sells in %(currency)s: please review "
                "your cart in %(currency)s before paying."
            )
            % {"market": market.name, "currency": market.price_currency},
            CheckoutErrorCode.MARKET_CHANGED,
        )
    return market


def applicable_voucher(
    *, code: str, subtotal: Money, email: str, for_update: bool = False
) -> Voucher | Promotion | None:
    """The voucher or promotion with this code if it applies to this subtotal and email (None
    for no code); otherwise VoucherError saying why. What a promotion's code needs of the cart
    (a minimum, items, combining) is told by totals_for."""
    if not code:
        return None
    voucher = vouchers.find(code, for_update=for_update)
    vouchers.check(voucher, subtotal=subtotal, email=email)
    return voucher


def totals_for(
    *,
    priced: PricedCart,
    shipping_method: ShippingMethod | None,
    address: dict,
    voucher: Voucher | Promotion | None,
    email: str = "",
    user=None,
    candidates=None,
) -> totals.Totals:
    """The order's totals shipped with this method to this address (its country and region),
    with the running promotions for this customer and the code given; VoucherError when the
    code does not apply to this cart (the caller drops it and asks again without)."""
    amounts = totals.compute(
        priced=priced,
        shipping_method=shipping_method,
        country=address.get("country", ""),
        region=address.get("region", ""),
        voucher=voucher,
        customer=customer_for(email=email, user=user),
        candidates=candidates,
    )
    if amounts.code_refusal:
        raise vouchers.refusal(amounts.code_refusal, currency=priced.subtotal.currency.code)
    return amounts


def customer_for(*, email: str, user=None) -> engine.Customer:
    """What promotions' conditions ask of the customer. Whether this is their first order is
    asked only when a running promotion wants to know (first_order_only)."""
    signed_in = bool(user is not None and user.is_authenticated)
    email = (email or (user.email if signed_in else "") or "").strip().lower()
    return engine.Customer(
        signed_in=signed_in,
        first_order=_FirstOrder(email, user if signed_in else None),
        email=email,
    )


class _FirstOrder:
    """True when the customer has no order that went through (paid, or waiting for payment);
    read from the database the first time it is asked."""

    def __init__(self, email: str, user):
        self.email, self.user, self._value = email, user, None

    def __bool__(self) -> bool:
        if self._value is None:
            earlier = Order.objects.exclude(
                status__in=[Order.Status.EXPIRED, Order.Status.CANCELLED]
            )
            if self.user is not None and self.user.is_authenticated:
                earlier = earlier.filter(Q(user=self.user) | Q(email__iexact=self.email))
            else:
                earlier = earlier.filter(email__iexact=self.email)
            self._value = bool(self.email or self.user) and not earlier.exists()
        return self._value


def default_shipping_method(*, country: str) -> ShippingMethod | None:
    """The method a checkout starts with: the first active one (the methods' own order) that
    ships to the country, and has a price in the currency of the country's market."""
    rates = ShippingRate.objects.filter(method=OuterRef("pk"))
    # ShippingMethod.ships_to in one query: no rates (ships anywhere) or a rate for the country
    methods = ShippingMethod.objects.filter(is_active=True).filter(
        ~Exists(rates) | Exists(rates.filter(country=country))
    )
    currency = market_for_country(country).price_currency
    if currency != settings.SHOP_CURRENCY:
        methods = methods.filter(currency_prices__currency=currency)
    return methods.first()


def order_as_of_now(*, order: Order) -> Order:
    """The order as it is now: an unpaid order whose hold ran out is expired first (the
    embedded shop has no periodic task) and read again."""
    if order.hold_ran_out and expire_if_overdue(order_id=order.pk):
        order.refresh_from_db()
    return order


def details_given(*, cart: Cart, email: str, country: str, marketing_opt_in: bool, user) -> None:
    """The shopper gave their checkout details for this cart: announce it (checkout_details_given)
    for whoever keeps in touch about carts left behind; orders keep nothing of it. A receiver
    that writes does it in one statement (the checkout page's query count holds it)."""
    signals.checkout_details_given.send(
        sender=details_given,
        cart=cart,
        email=email,
        country=country,
        marketing_opt_in=bool(marketing_opt_in),
        user=user,
        language=get_language() or "",
    )
