"""The cart priced through promotions: its lines as the engine's plain data, and the engine's
answer. Orders (totals, placing) and the cart page call this one function."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from moneyed import Money

from promotions import engine, selectors
from promotions import messages as promotion_messages
from shop.cart.selectors import PricedCart
from shop.money import money, zero


def engine_lines(priced: PricedCart) -> list[engine.Line]:
    """The lines promotions may see: those that count towards the subtotal (not those blocking
    checkout), gift cards left out (no promotion discounts a gift card, and what is spent on
    one does not count towards a tier or a minimum)."""
    return [
        engine.Line(
            id=line.line_id,
            variant_id=line.variant.pk,
            product_id=line.variant.product_id,
            category_id=line.variant.product.category_id,
            unit_price=line.unit_price.amount,
            quantity=line.quantity,
        )
        for line in priced.lines
        if not line.blocking and not line.variant.product.is_gift_card
    ]


def price_with_promotions(
    priced: PricedCart,
    *,
    customer: engine.Customer | None = None,
    extra_rules: Iterable[engine.Rule] = (),
    codes: tuple[str, ...] = (),
    candidates: selectors.Candidates | None = None,
    shipping_price: Callable[[Decimal], Decimal | None] | None = None,
    shipping_method_id: int | None = None,
) -> tuple[engine.Result, selectors.Candidates]:
    """The engine's result for the cart: running automatic promotions, the promotions with
    these codes, and `extra_rules` (a wrapped voucher)."""
    currency = priced.subtotal.currency.code
    customer = customer or engine.Customer()
    if candidates is None:
        candidates = selectors.candidates(currency=currency, email=customer.email, codes=codes)
    result = engine.apply(
        lines=engine_lines(priced),
        rules=[*candidates.rules, *extra_rules],
        currency=currency,
        customer=customer,
        shipping_price=shipping_price,
        shipping_method_id=shipping_method_id,
    )
    return result, candidates


@dataclass(frozen=True)
class CartOffers:
    """What the cart page shows of the promotions: each applied (name, amount), the discount
    of each line, the goods after discounts and what is missing for the next reward."""

    applied: list[tuple[str, Money]]
    rows: list[tuple]  # (priced line, its discount or None, what is left of it)
    discount: Money
    goods: Money
    hints: list[str]


def offers_for(priced: PricedCart, *, user=None) -> CartOffers:
    """The automatic promotions on the cart for this shopper (codes come at checkout)."""
    currency = priced.subtotal.currency.code
    signed_in = bool(user is not None and user.is_authenticated)
    customer = engine.Customer(
        signed_in=signed_in, email=(user.email or "").lower() if signed_in else ""
    )
    if priced.is_empty:
        return CartOffers([], [], zero(currency), priced.subtotal, [])
    result, _found = price_with_promotions(priced, customer=customer)
    names = {line.line_id: str(line.variant) for line in priced.lines}
    return CartOffers(
        applied=[
            (a.name, money(a.amount, currency)) for a in result.applied if a.klass != "shipping"
        ],
        rows=[
            (line, money(off, currency), money(line.line_total.amount - off, currency))
            if (off := _line_discount(result, line.line_id))
            else (line, None, line.line_total)
            for line in priced.lines
        ],
        discount=money(result.discount, currency),
        goods=money(result.goods, currency),
        hints=[
            promotion_messages.hint_text(h, currency=currency, names=names) for h in result.hints
        ],
    )


def _line_discount(result: engine.Result, line_id: int) -> Decimal:
    line = result.lines.get(line_id)
    return line.discount if line is not None else Decimal(0)
