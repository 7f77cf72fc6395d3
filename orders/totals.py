"""The order total, computed in one place: lines, discount, shipping, tax, grand total.

All amounts are Money in the shop's currency, rounded to its minor unit. Tax is computed once,
on the taxable sum (goods after discount, plus shipping), so there is one rounding. When
catalog prices include tax (PRICES_INCLUDE_TAX), the tax is the part of that sum that is tax;
otherwise it is added on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from moneyed import Money

from markets.selectors import market_for_currency
from orders.models import ShippingMethod, TaxRate, Voucher
from shop.cart.selectors import PricedCart
from shop.money import money


@dataclass(frozen=True)
class Totals:
    subtotal: Money
    discount: Money
    shipping: Money
    tax: Money
    total: Money
    prices_include_tax: bool
    tax_rate: Decimal
    tax_name: str
    shipping_available: bool = True

    @property
    def tax_percent(self) -> str:
        return f"{(self.tax_rate * 100).normalize():f}%"


def prices_include_tax(currency: str) -> bool:
    """Whether prices in this currency include tax, as its market says."""
    return market_for_currency(currency).includes_tax


def tax_rate_for(*, country: str, region: str = "") -> TaxRate | None:
    """The rate for the region if one is set, else the country's, else none."""
    if not country:
        return None
    region = region.strip().upper()
    rates = list(TaxRate.objects.filter(country=country))
    return next((r for r in rates if r.region and r.region.upper() == region), None) or next(
        (r for r in rates if not r.region), None
    )


def discount_for(voucher: Voucher | None, subtotal: Money) -> Money:
    """The discount in the subtotal's currency: a fixed amount is the one the merchant set in
    that currency (Voucher.terms_in), never converted; none set, no discount."""
    currency = subtotal.currency.code
    if voucher is None:
        return money(0, currency)
    if voucher.kind == Voucher.Kind.PERCENTAGE:
        amount = subtotal.amount * voucher.value / 100
    else:
        terms = voucher.terms_in(currency)
        amount = terms.value if terms is not None and terms.value is not None else Decimal(0)
    return money(min(amount, subtotal.amount), currency)


def compute(
    *,
    priced: PricedCart,
    shipping_method: ShippingMethod | None = None,
    country: str = "",
    region: str = "",
    voucher: Voucher | None = None,
    tax_rate: TaxRate | None = None,
) -> Totals:
    currency = priced.subtotal.currency.code
    subtotal = priced.subtotal
    discount = discount_for(voucher, subtotal)
    goods = money(subtotal.amount - discount.amount, currency)
    shipping_available = True
    shipping = money(0, currency)
    if shipping_method is not None:
        price = shipping_method.price_for(country=country, goods=goods)
        if price is None:
            shipping_available = False
        else:
            shipping = money(price.amount, currency)
    if tax_rate is None:
        tax_rate = tax_rate_for(country=country, region=region)
    rate = tax_rate.rate if tax_rate else Decimal(0)
    taxable = goods.amount + shipping.amount
    include = prices_include_tax(currency)
    if include:
        tax = money(taxable - taxable / (1 + rate), currency)
        total = money(taxable, currency)
    else:
        tax = money(taxable * rate, currency)
        total = money(taxable + tax.amount, currency)
    return Totals(
        subtotal=subtotal,
        discount=discount,
        shipping=shipping,
        tax=tax,
        total=total,
        prices_include_tax=include,
        tax_rate=rate,
        tax_name=tax_rate.name if tax_rate else "Tax",
        shipping_available=shipping_available,
    )


def refund_for_lines(order, quantities: dict[int, int]) -> Money:
    """What refunding these units gives back: their price less their share of the discount,
    plus their tax when it was added on top. Shipping is not included."""
    currency = order.currency
    lines = {line.pk: line for line in order.lines.all()}
    value = sum(
        (lines[line_id].unit_price.amount * quantity for line_id, quantity in quantities.items()),
        Decimal(0),
    )
    subtotal = order.subtotal.amount
    if subtotal > 0:
        value = value * (subtotal - order.discount_total.amount) / subtotal
    if not order.prices_include_tax:
        value = value * (1 + order.tax_rate)
    return money(value, currency)


def refund_for_shipping(order) -> Money:
    """What giving back the order's shipping returns: its price, plus its tax when tax was
    added on top (a return whose merchant chooses to refund shipping too)."""
    value = order.shipping_total.amount
    if not order.prices_include_tax:
        value = value * (1 + order.tax_rate)
    return money(value, order.currency)
