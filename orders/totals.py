"""The order total, computed in one place: lines + shipping, in the shop's currency."""

from __future__ import annotations

from dataclasses import dataclass

from moneyed import Money

from orders.models import ShippingMethod
from shop.cart.selectors import PricedCart
from shop.money import money


@dataclass(frozen=True)
class Totals:
    subtotal: Money
    shipping: Money
    total: Money


def compute(*, priced: PricedCart, shipping_method: ShippingMethod | None) -> Totals:
    currency = priced.subtotal.currency.code
    shipping = money(shipping_method.price.amount if shipping_method else 0, currency)
    return Totals(
        subtotal=priced.subtotal,
        shipping=shipping,
        total=money(priced.subtotal.amount + shipping.amount, currency),
    )
