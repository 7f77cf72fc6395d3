"""The engine's rules over random carts, promotions and currencies (zero- and three-decimal
ones included): to the cent, never below zero, never above a line, and the same answer in any
order of lines or promotions."""

import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promotions import engine
from shop.money import exponent, quantize

pytestmark = pytest.mark.promotions

CURRENCIES = ["USD", "EUR", "JPY", "KWD", "GBP"]


def _unit(currency: str) -> Decimal:
    step = Decimal("0.010") if currency == "KWD" else Decimal(1).scaleb(-exponent(currency))
    return step


@st.composite
def carts(draw):
    currency = draw(st.sampled_from(CURRENCIES))
    unit = _unit(currency)
    n = draw(st.integers(min_value=1, max_value=8))
    ids = draw(st.lists(st.integers(1, 1000), min_size=n, max_size=n, unique=True))
    lines = [
        engine.Line(
            id=i,
            variant_id=draw(st.integers(1, 6)),
            product_id=draw(st.integers(1, 4)),
            category_id=draw(st.sampled_from([None, 1, 2])),
            unit_price=draw(st.integers(0, 50000)) * unit,
            quantity=draw(st.integers(1, 6)),
        )
        for i in ids
    ]
    return currency, lines


def _targets(draw):
    return frozenset(
        draw(
            st.lists(
                st.tuples(st.sampled_from(["variant", "product", "category"]), st.integers(1, 6)),
                max_size=3,
            )
        )
    )


@st.composite
def rules(draw, currency):
    unit = _unit(currency)
    count = draw(st.integers(0, 6))
    ids = draw(st.lists(st.integers(1, 500), min_size=count, max_size=count, unique=True))
    found = []
    for rule_id in ids:
        kind = draw(st.sampled_from(list(engine.CLASS_OF)))
        percent = Decimal(draw(st.integers(0, 100)))
        tiers = tuple(
            engine.Tier(
                threshold=draw(st.integers(0, 100000)) * unit,
                percent=percent if draw(st.booleans()) else None,
                amount=None,
            )
            for _ in range(draw(st.integers(1, 3)))
        )
        tiers = tuple(
            t
            if t.percent is not None
            else engine.Tier(t.threshold, None, draw(st.integers(0, 90000)) * unit)
            for t in tiers
        )
        found.append(
            engine.Rule(
                id=rule_id,
                name=f"Rule {rule_id}",
                kind=kind,
                code=draw(st.sampled_from(["", f"CODE{rule_id}"])),
                priority=draw(st.integers(-2, 2)),
                percent=percent,
                amount=draw(st.integers(0, 30000)) * unit,
                targets=_targets(draw),
                buy=_targets(draw),
                buy_quantity=draw(st.integers(1, 3)),
                get_quantity=draw(st.integers(1, 2)),
                tiers=tiers,
                min_subtotal=draw(
                    st.one_of(st.none(), st.integers(0, 100000).map(lambda v: v * unit))
                ),
                combines_with_product=draw(st.booleans()),
                combines_with_order=draw(st.booleans()),
                combines_with_shipping=draw(st.booleans()),
                per_order_limit=draw(st.one_of(st.none(), st.integers(1, 4))),
                budget_left=draw(
                    st.one_of(st.none(), st.integers(0, 20000).map(lambda v: v * unit))
                ),
                min_quantity=draw(st.one_of(st.none(), st.integers(1, 5))),
            )
        )
    return found


def _price(lines, found, currency, shipping=Decimal("5")):
    return engine.apply(
        lines=lines,
        rules=found,
        currency=currency,
        customer=engine.Customer(signed_in=True, first_order=True, email="a@example.com"),
        shipping_price=lambda goods: quantize(shipping, currency),
        shipping_method_id=1,
    )


def _rounded(amount: Decimal, currency: str) -> bool:
    return quantize(amount, currency) == amount


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_amount_is_to_the_cent_and_adds_up(data):
    currency, lines = data.draw(carts())
    found = data.draw(rules(currency))
    result = _price(lines, found, currency)

    assert result.subtotal == sum(line.total for line in lines)
    assert 0 <= result.discount <= result.subtotal
    assert result.goods >= 0
    assert 0 <= result.shipping_discount <= (result.shipping or 0)
    by_id = {line.id: line for line in lines}
    for line_id, priced in result.lines.items():
        assert priced.product_discount >= 0
        assert priced.order_discount >= 0
        assert priced.discount <= by_id[line_id].total, "no discount above its line"
        assert priced.paid >= 0
        assert _rounded(priced.product_discount, currency)
        assert _rounded(priced.order_discount, currency)
    assert sum(p.product_discount for p in result.lines.values()) == result.product_discount
    assert sum(p.order_discount for p in result.lines.values()) == result.order_discount
    assert sum(a.amount for a in result.applied if a.klass != "shipping") == result.discount
    for applied in result.applied:
        assert applied.amount > 0
        rule = next(r for r in found if r.id == applied.rule_id)
        if rule.budget_left is not None:
            assert applied.amount <= rule.budget_left


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_the_order_of_lines_and_promotions_changes_nothing(data, seed):
    currency, lines = data.draw(carts())
    found = data.draw(rules(currency))
    first = _price(lines, found, currency)
    shuffled_lines, shuffled_rules = lines[:], found[:]
    random.Random(seed).shuffle(shuffled_lines)
    random.Random(seed + 1).shuffle(shuffled_rules)
    again = _price(shuffled_lines, shuffled_rules, currency)
    assert again.lines == first.lines
    assert again.applied == first.applied
    assert again.shipping_discount == first.shipping_discount
    assert again.hints == first.hints


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_at_most_one_product_discount_per_unit(data):
    """No unit is discounted by more than one product promotion: a line's product discount is
    at most the sum, over its units, of the best single offer for a unit."""
    currency, lines = data.draw(carts())
    found = [r for r in data.draw(rules(currency)) if r.klass == engine.PRODUCT]
    result = _price(lines, found, currency)
    for line in lines:
        best_unit = max(
            (engine._unit_off(r, line.unit_price, currency) for r in found), default=Decimal(0)
        )
        assert result.lines[line.id].product_discount <= best_unit * line.quantity


@given(
    amount=st.integers(0, 10**6),
    weights=st.lists(st.integers(0, 10**5), min_size=1, max_size=10),
    currency=st.sampled_from(CURRENCIES),
)
def test_an_order_discount_is_spread_to_the_cent_never_above_a_line(amount, weights, currency):
    unit = _unit(currency)
    by_line = {i + 1: w * unit for i, w in enumerate(weights)}
    total = sum(by_line.values())
    amount = min(amount * unit, total)
    shares = engine._spread(amount, by_line, currency)
    assert sum(shares.values()) == amount
    for line_id, share in shares.items():
        assert 0 < share <= by_line[line_id]
        assert _rounded(share, currency)
