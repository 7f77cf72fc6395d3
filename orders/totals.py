"""The order total, computed in one place: lines, discount, shipping, tax, grand total.

All amounts are Money in the shop's currency, rounded to its minor unit. Tax is computed once,
on the taxable sum (goods after discount, plus shipping), so there is one rounding. When
catalog prices include tax (PRICES_INCLUDE_TAX), the tax is the part of that sum that is tax;
otherwise it is added on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from moneyed import Money

from markets.selectors import market_for_currency
from orders.models import ShippingMethod, TaxRate, Voucher
from promotions import engine
from promotions import messages as promotion_messages
from promotions.models import Promotion
from promotions.selectors import Candidates
from shop.cart.pricing import price_with_promotions
from shop.cart.selectors import PricedCart
from shop.money import money


@dataclass(frozen=True)
class AppliedPromotion:
    """A promotion (or code) applied, with what it gave, for pages, emails and the API."""

    id: int | None  # None: one of the vouchers from before promotions
    name: str
    code: str
    klass: str
    amount: Money

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "code": self.code,
            "class": self.klass,
            "amount": str(self.amount.amount),
        }


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
    shipping_discount: Money | None = None
    promotions: tuple[AppliedPromotion, ...] = ()
    hints: tuple[str, ...] = ()
    # Per cart line: its share of the goods' discount (item and order promotions).
    line_discounts: dict[int, Money] = field(default_factory=dict)
    # Why the code given did not apply ('' when it did, or none was given): an engine reason.
    code_refusal: str = ""

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
    """The discount a voucher alone gives on a subtotal, in its currency: a fixed amount is
    the one the merchant set in that currency (Voucher.terms_in), never converted."""
    currency = subtotal.currency.code
    if voucher is None:
        return money(0, currency)
    rule = voucher_rule(voucher, currency)
    if rule is None:
        return money(0, currency)
    result = engine.apply(
        lines=[engine.Line(0, 0, 0, None, subtotal.amount, 1)], rules=[rule], currency=currency
    )
    return money(result.discount, currency)


def voucher_rule(voucher: Voucher, currency: str) -> engine.Rule | None:
    """A voucher from before promotions as the engine's rule: an order discount that combines
    with item discounts and free shipping, not with other order discounts. Its id is negative
    (-1 less the voucher's pk), so it never meets a promotion's."""
    terms = voucher.terms_in(currency)
    if voucher.kind == Voucher.Kind.PERCENTAGE:
        tier = engine.Tier(Decimal(0), percent=voucher.value)
    elif terms is not None and terms.value is not None:
        tier = engine.Tier(Decimal(0), amount=terms.value)
    else:
        return None
    return engine.Rule(
        id=-1 - (voucher.pk or 0),
        name=voucher.code,
        kind=engine.ORDER_TIERS,
        code=voucher.code,
        priority=0,
        tiers=(tier,),
        combines_with_product=True,
        combines_with_order=False,
        combines_with_shipping=True,
    )


def compute(
    *,
    priced: PricedCart,
    shipping_method: ShippingMethod | None = None,
    country: str = "",
    region: str = "",
    voucher: Voucher | Promotion | None = None,
    tax_rate: TaxRate | None = None,
    customer: engine.Customer | None = None,
    candidates: Candidates | None = None,
) -> Totals:
    """The totals of the cart with the running promotions and the code given (a voucher or a
    promotion's code), shipped with this method to this country. Tax is on the discounted
    amounts. `candidates`: promotions already read (and locked) by the caller."""
    currency = priced.subtotal.currency.code
    subtotal = priced.subtotal
    customer = customer or engine.Customer()
    extra = []
    codes: tuple[str, ...] = ()
    code_rule_id = None
    if isinstance(voucher, Voucher):
        rule = voucher_rule(voucher, currency)
        if rule is not None:
            extra.append(rule)
            code_rule_id = rule.id
    elif voucher is not None:
        codes = (voucher.code,)
        code_rule_id = voucher.pk

    shipping_available = True

    def shipping_price(goods: Decimal) -> Decimal | None:
        price = shipping_method.price_for(country=country, goods=money(goods, currency))
        return None if price is None else money(price.amount, currency).amount

    result, found = price_with_promotions(
        priced,
        customer=customer,
        extra_rules=extra,
        codes=codes,
        candidates=candidates,
        shipping_price=shipping_price if shipping_method is not None else None,
        shipping_method_id=shipping_method.pk if shipping_method is not None else None,
    )
    code_refusal = ""
    if code_rule_id is not None and not any(a.rule_id == code_rule_id for a in result.applied):
        code_refusal = (
            found.refused.get(code_rule_id)
            or result.refused.get(code_rule_id)
            or engine.NO_ELIGIBLE_ITEMS
        )
        if isinstance(voucher, Voucher) and code_refusal == engine.NO_ELIGIBLE_ITEMS:
            code_refusal = ""  # a code from before promotions that gives nothing, as before
    discount = money(result.discount, currency)
    goods = money(subtotal.amount - discount.amount, currency)
    shipping = money(0, currency)
    shipping_discount = money(result.shipping_discount, currency)
    if shipping_method is not None:
        if result.shipping is None:
            shipping_available = False
        else:
            shipping = money(result.shipping - result.shipping_discount, currency)
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
    names = {line.line_id: str(line.variant) for line in priced.lines}
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
        shipping_discount=shipping_discount,
        promotions=tuple(
            AppliedPromotion(
                id=a.rule_id if a.rule_id > 0 else None,
                name=a.name,
                code=a.code,
                klass=a.klass,
                amount=money(a.amount, currency),
            )
            for a in result.applied
        ),
        hints=tuple(
            promotion_messages.hint_text(h, currency=currency, names=names) for h in result.hints
        ),
        line_discounts={
            line_id: money(p.discount, currency) for line_id, p in result.lines.items()
        },
        code_refusal=code_refusal,
    )


def refund_for_lines(order, quantities: dict[int, int]) -> Money:
    """What refunding these units gives back: their share of what was paid for their line
    (its price less its share of the discounts, OrderLine.discount), plus their tax when it
    was added on top. Shipping is not included. The units already refunded are counted, so
    refunding a line unit by unit gives back exactly what was paid for it, to the cent."""
    currency = order.currency
    lines = {line.pk: line for line in order.lines.all()}
    value = Decimal(0)
    for line_id, quantity in quantities.items():
        line = lines[line_id]
        paid = line.line_total.amount - line.discount.amount
        done = line.refunded_quantity
        upto = min(line.quantity, done + quantity)
        before = money(paid * done / line.quantity, currency).amount
        after = money(paid * upto / line.quantity, currency).amount
        value += after - before
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
