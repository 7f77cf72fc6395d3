"""The pricing engine: promotions applied to a cart, as plain data in and plain data out.

It reads no database and knows no models (promotions/selectors.py turns rows into Rules,
orders/vouchers.py turns today's vouchers into Rules), so the same inputs always give the same
result. The rules it keeps, written once (README, "Promotions: how they combine"):

- Classes apply in turn: product, then order, then shipping.
- Product class: at most one product discount per unit, the best for the shopper; ties go to
  the higher priority, then the lower id. Units of one line are alike, so the line's units are
  ranked and each rank gets the best discount any rule gives at that rank.
- A rule of a later class applies only if it combines with every rule already applied of an
  earlier class, and each of those combines with it (both flags).
- Order class: candidates are taken by amount (largest first, then priority, then id), each
  kept only if it combines with the order-class rules already kept (both flags); their sum
  never exceeds the goods after product discounts. The order discount is spread over the lines
  in proportion to what is left of each; the remainder goes to the largest line (ties: the
  lowest id), never above what is left of a line.
- Shipping class: the first applicable rule (priority, then id) makes shipping free.
- Every amount is rounded to the currency's minor unit; no line, discount or total goes below
  zero, and no discount goes above its line. Lines and rules are sorted first, so the order
  they come in does not matter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from shop.money import CHARGE_STEPS, exponent, quantize

PRODUCT, ORDER, SHIPPING = "product", "order", "shipping"

ITEMS_PERCENT = "items_percent"
ITEMS_AMOUNT = "items_amount"
BUY_X_GET_Y = "buy_x_get_y"
ORDER_TIERS = "order_tiers"
FREE_SHIPPING = "free_shipping"

CLASS_OF = {
    ITEMS_PERCENT: PRODUCT,
    ITEMS_AMOUNT: PRODUCT,
    BUY_X_GET_Y: PRODUCT,
    ORDER_TIERS: ORDER,
    FREE_SHIPPING: SHIPPING,
}

# Why a rule (a typed code, most often) did not apply: orders turn these into messages.
BELOW_MINIMUM = "below_minimum"
NO_ELIGIBLE_ITEMS = "no_eligible_items"
CONDITIONS_NOT_MET = "conditions_not_met"
DOES_NOT_COMBINE = "does_not_combine"
NOT_IN_CURRENCY = "not_in_currency"
USED_UP = "used_up"
SHIPPING_NOT_COVERED = "shipping_not_covered"

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Line:
    id: int
    variant_id: int
    product_id: int
    category_id: int | None
    unit_price: Decimal
    quantity: int

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Customer:
    signed_in: bool = False
    # Falsy when not known (the cart page): a first-order rule then waits for checkout. May be
    # an object that asks the database only when truth-tested (orders.checkout.customer_for).
    first_order: object = None
    email: str = ""


@dataclass(frozen=True)
class Tier:
    threshold: Decimal
    percent: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class Rule:
    """A promotion (or a wrapped voucher) with its amounts in the cart's currency."""

    id: int
    name: str
    kind: str
    code: str = ""
    priority: int = 0
    percent: Decimal | None = None  # items_percent; buy_x_get_y: off each Y unit (100: free)
    amount: Decimal | None = None  # items_amount: off each unit
    # What it discounts (items rules; Y for buy X get Y): ("variant"|"product"|"category", id);
    # empty: every item.
    targets: frozenset[tuple[str, int]] = frozenset()
    buy: frozenset[tuple[str, int]] = frozenset()  # the X set of buy X get Y; empty: any item
    buy_quantity: int = 1
    get_quantity: int = 1
    tiers: tuple[Tier, ...] = ()
    min_subtotal: Decimal | None = None
    shipping_method_ids: frozenset[int] = frozenset()  # empty: every method
    combines_with_product: bool = False
    combines_with_order: bool = False
    combines_with_shipping: bool = True
    per_order_limit: int | None = None  # units (items rules), sets (buy X get Y)
    budget_left: Decimal | None = None
    signed_in_only: bool = False
    first_order_only: bool = False
    min_quantity: int | None = None
    email_domains: frozenset[str] = frozenset()

    @property
    def klass(self) -> str:
        return CLASS_OF[self.kind]

    def combines_with(self, klass: str) -> bool:
        return {
            PRODUCT: self.combines_with_product,
            ORDER: self.combines_with_order,
            SHIPPING: self.combines_with_shipping,
        }[klass]

    def sort_key(self) -> tuple:
        return (-self.priority, self.id)


@dataclass(frozen=True)
class Applied:
    rule_id: int
    name: str
    code: str
    klass: str
    amount: Decimal


@dataclass(frozen=True)
class Hint:
    """What is missing for a rule (or its next tier): `quantity` more of line `line_id`'s item,
    or `amount` more spent."""

    rule_id: int
    name: str
    quantity: int = 0
    line_id: int | None = None
    amount: Decimal | None = None
    percent: Decimal | None = None
    off: Decimal | None = None


@dataclass(frozen=True)
class LinePrice:
    line_id: int
    total: Decimal
    product_discount: Decimal
    order_discount: Decimal

    @property
    def discount(self) -> Decimal:
        return self.product_discount + self.order_discount

    @property
    def paid(self) -> Decimal:
        return self.total - self.discount


@dataclass
class Result:
    currency: str
    lines: dict[int, LinePrice]
    subtotal: Decimal
    product_discount: Decimal
    order_discount: Decimal
    shipping: Decimal | None
    shipping_discount: Decimal
    applied: list[Applied] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)

    @property
    def discount(self) -> Decimal:
        """Off the goods (product and order classes); shipping's is apart."""
        return self.product_discount + self.order_discount

    @property
    def goods(self) -> Decimal:
        return self.subtotal - self.discount


def _round(amount: Decimal, currency: str) -> Decimal:
    return quantize(amount, currency)


def _floor(amount: Decimal, currency: str) -> Decimal:
    """Down to the currency's step: its minor unit, or what cards charge it in (KWD: 0.010)."""
    unit = CHARGE_STEPS.get(currency.upper()) or Decimal(1).scaleb(-exponent(currency))
    return (amount / unit).to_integral_value(rounding=ROUND_FLOOR) * unit


def _matches(targets: frozenset[tuple[str, int]], line: Line) -> bool:
    if not targets:
        return True
    return (
        ("variant", line.variant_id) in targets
        or ("product", line.product_id) in targets
        or (line.category_id is not None and ("category", line.category_id) in targets)
    )


def _customer_ok(rule: Rule, customer: Customer) -> bool:
    if rule.signed_in_only and not customer.signed_in:
        return False
    if rule.first_order_only and not customer.first_order:
        return False
    if rule.email_domains:
        domain = customer.email.rpartition("@")[2].lower()
        if not customer.email or domain not in rule.email_domains:
            return False
    return True


def _unit_off(rule: Rule, unit_price: Decimal, currency: str) -> Decimal:
    if rule.kind == ITEMS_AMOUNT:
        off = rule.amount or ZERO
    else:  # items_percent, and the Y units of buy X get Y
        off = _round(unit_price * min(rule.percent or ZERO, HUNDRED) / HUNDRED, currency)
    return max(ZERO, min(off, unit_price))


def _items_offers(rule: Rule, lines: list[Line], currency: str) -> dict[int, list[Decimal]]:
    """Per line, the discount on each of its units this rule gives (empty: none)."""
    eligible = [line for line in lines if _matches(rule.targets, line)]
    # The most valuable units first when a per-order limit caps the units discounted.
    eligible.sort(key=lambda line: (-line.unit_price, line.id))
    left = rule.per_order_limit
    offers: dict[int, list[Decimal]] = {}
    for line in eligible:
        count = line.quantity if left is None else min(left, line.quantity)
        if count <= 0:
            break
        off = _unit_off(rule, line.unit_price, currency)
        if off > 0:
            offers[line.id] = [off] * count
        if left is not None:
            left -= count
    return offers


def _bxgy_sets(rule: Rule, lines: list[Line]) -> tuple[int, list[tuple[Line, int]]]:
    """How many sets (X then Y) the cart makes, and the Y units (line, count) discounted: the
    cheapest Y-eligible units are the Y units, the dearest X-eligible the X units."""
    y_units = [(line.unit_price, line.id, line) for line in lines if _matches(rule.targets, line)]
    x_units = [(line.unit_price, line.id, line) for line in lines if _matches(rule.buy, line)]
    ys = sorted((p, i, n, line) for p, i, line in y_units for n in range(line.quantity))
    xs = sorted(
        ((-p, i, n, line) for p, i, line in x_units for n in range(line.quantity)),
    )
    used: set[tuple[int, int]] = set()
    sets = 0
    chosen: dict[int, int] = {}
    limit = rule.per_order_limit
    bq, gq = max(1, rule.buy_quantity), max(1, rule.get_quantity)
    yi = xi = 0  # units passed over are used for good, so one pointer each is enough
    while limit is None or sets < limit:
        picked_y = []
        while yi < len(ys) and len(picked_y) < gq:
            _price, line_id, n, _line = ys[yi]
            yi += 1
            if (line_id, n) not in used:
                picked_y.append((line_id, n))
        if len(picked_y) < gq:
            break
        used.update(picked_y)
        picked_x = []
        while xi < len(xs) and len(picked_x) < bq:
            _price, line_id, n, _line = xs[xi]
            xi += 1
            if (line_id, n) not in used:
                picked_x.append((line_id, n))
        if len(picked_x) < bq:
            break
        used.update(picked_x)
        sets += 1
        for line_id, _n in picked_y:
            chosen[line_id] = chosen.get(line_id, 0) + 1
    by_id = {line.id: line for line in lines}
    return sets, [(by_id[line_id], count) for line_id, count in sorted(chosen.items())]


def _bxgy_offers(rule: Rule, lines: list[Line], currency: str) -> dict[int, list[Decimal]]:
    _sets, ys = _bxgy_sets(rule, lines)
    offers: dict[int, list[Decimal]] = {}
    for line, count in ys:
        off = _unit_off(rule, line.unit_price, currency)
        if off > 0:
            offers[line.id] = [off] * count
    return offers


def _bxgy_hint(rule: Rule, lines: list[Line]) -> Hint | None:
    """Add how many of the dearest X item in the cart to make one more set."""
    if rule.per_order_limit is not None and _bxgy_sets(rule, lines)[0] >= rule.per_order_limit:
        return None
    candidates = sorted(
        (line for line in lines if _matches(rule.buy, line) or _matches(rule.targets, line)),
        key=lambda line: (-line.unit_price, line.id),
    )
    if not candidates:
        return None
    sets = _bxgy_sets(rule, lines)[0]
    line = candidates[0]
    for more in range(1, rule.buy_quantity + rule.get_quantity + 1):
        bigger = [
            Line(x.id, x.variant_id, x.product_id, x.category_id, x.unit_price, x.quantity + more)
            if x.id == line.id
            else x
            for x in lines
        ]
        if _bxgy_sets(rule, bigger)[0] > sets:
            return Hint(rule.id, rule.name, quantity=more, line_id=line.id, percent=rule.percent)
    return None


def _eligible_quantity(rule: Rule, lines: list[Line]) -> int:
    scope = rule.buy if rule.kind == BUY_X_GET_Y else rule.targets
    if rule.klass != PRODUCT:
        scope = frozenset()
    return sum(line.quantity for line in lines if _matches(scope, line))


def _tier_for(rule: Rule, base: Decimal) -> tuple[Tier | None, Tier | None]:
    """The highest tier met (never a sum of tiers) and the next one up."""
    tiers = sorted(rule.tiers, key=lambda t: (t.threshold, t.percent or ZERO, t.amount or ZERO))
    met = [t for t in tiers if t.threshold <= base]
    above = [t for t in tiers if t.threshold > base]
    return (met[-1] if met else None), (above[0] if above else None)


def apply(
    *,
    lines: Iterable[Line],
    rules: Iterable[Rule],
    currency: str,
    customer: Customer | None = None,
    shipping_price: Callable[[Decimal], Decimal | None] | None = None,
    shipping_method_id: int | None = None,
) -> Result:
    """Price the lines with the rules. `shipping_price(goods)` gives shipping's price for the
    goods after discounts (None: not shippable); without it there is no shipping class."""
    customer = customer or Customer()
    lines = sorted((x for x in lines if x.quantity > 0), key=lambda x: x.id)
    rules = sorted(rules, key=Rule.sort_key)
    subtotal = sum((line.total for line in lines), ZERO)
    result = Result(
        currency=currency,
        lines={},
        subtotal=subtotal,
        product_discount=ZERO,
        order_discount=ZERO,
        shipping=None,
        shipping_discount=ZERO,
    )
    usable: list[Rule] = []
    for rule in rules:
        if rule.budget_left is not None and rule.budget_left <= 0:
            result.refused[rule.id] = USED_UP
        elif not _customer_ok(rule, customer):
            result.refused[rule.id] = CONDITIONS_NOT_MET
        elif rule.min_quantity and _eligible_quantity(rule, lines) < rule.min_quantity:
            result.refused[rule.id] = CONDITIONS_NOT_MET
            result.hints.append(
                Hint(
                    rule.id,
                    rule.name,
                    quantity=rule.min_quantity - _eligible_quantity(rule, lines),
                    percent=rule.percent,
                )
            )
        else:
            usable.append(rule)

    product_off, product_applied = _product_class(usable, lines, currency, result)
    for rule_id, amount in sorted(product_applied.items()):
        rule = next(r for r in usable if r.id == rule_id)
        result.applied.append(Applied(rule.id, rule.name, rule.code, PRODUCT, amount))
    applied_rules = [r for r in usable if r.id in product_applied]
    after_product = {line.id: line.total - product_off.get(line.id, ZERO) for line in lines}
    goods = sum(after_product.values(), ZERO)

    order_rules = _order_class(usable, applied_rules, goods, currency, result)
    order_total = sum((amount for _rule, amount in order_rules), ZERO)
    order_off = _spread(order_total, after_product, currency)
    for rule, amount in order_rules:
        result.applied.append(Applied(rule.id, rule.name, rule.code, ORDER, amount))
    applied_rules += [rule for rule, _amount in order_rules]

    result.product_discount = sum(product_off.values(), ZERO)
    result.order_discount = order_total
    for line in lines:
        result.lines[line.id] = LinePrice(
            line.id, line.total, product_off.get(line.id, ZERO), order_off.get(line.id, ZERO)
        )
    goods -= order_total
    if shipping_price is not None:
        _shipping_class(
            usable, applied_rules, goods, currency, shipping_price, shipping_method_id, result
        )
    return result


def _product_class(
    rules: list[Rule], lines: list[Line], currency: str, result: Result
) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """Per line the product discount, and per rule what it gave."""
    offers: list[tuple[Rule, dict[int, list[Decimal]]]] = []
    for rule in rules:
        if rule.klass != PRODUCT:
            continue
        if rule.kind == BUY_X_GET_Y:
            rule_offers = _bxgy_offers(rule, lines, currency)
            hint = _bxgy_hint(rule, lines)
            if hint is not None:
                result.hints.append(hint)
        else:
            rule_offers = _items_offers(rule, lines, currency)
        if rule_offers:
            offers.append((rule, rule_offers))
        elif rule.code:
            result.refused[rule.id] = NO_ELIGIBLE_ITEMS
    by_line: dict[int, Decimal] = {}
    by_rule: dict[int, Decimal] = {}
    for line in lines:
        # Rank r of this line's units gets the best offer at rank r (offers sorted dearest
        # first); ties by priority then id (rules are already in that order).
        ranked = [(rule, sorted(o[line.id], reverse=True)) for rule, o in offers if line.id in o]
        if not ranked:
            continue
        for rank in range(line.quantity):
            best_rule, best = None, ZERO
            for rule, units in ranked:
                if rank < len(units) and units[rank] > best:
                    best_rule, best = rule, units[rank]
            if best_rule is None:
                break
            by_line[line.id] = by_line.get(line.id, ZERO) + best
            by_rule[best_rule.id] = by_rule.get(best_rule.id, ZERO) + best
    # A budget caps what a rule gives: the excess comes off its lines, highest id first.
    for rule, rule_offers in offers:
        if rule.budget_left is None or by_rule.get(rule.id, ZERO) <= rule.budget_left:
            continue
        excess = by_rule[rule.id] - rule.budget_left
        for line_id in sorted(rule_offers, reverse=True):
            cut = min(excess, by_line.get(line_id, ZERO), _given(rule, line_id, lines, offers))
            by_line[line_id] -= cut
            excess -= cut
        by_rule[rule.id] = rule.budget_left
    for rule, _o in offers:
        if rule.code and by_rule.get(rule.id, ZERO) <= 0:
            result.refused[rule.id] = NO_ELIGIBLE_ITEMS
    return by_line, {k: v for k, v in by_rule.items() if v > 0}


def _given(rule: Rule, line_id: int, lines: list[Line], offers) -> Decimal:
    """What `rule` won on the line (recomputed as the ranking did)."""
    line = next(x for x in lines if x.id == line_id)
    ranked = [(r, sorted(o[line_id], reverse=True)) for r, o in offers if line_id in o]
    won = ZERO
    for rank in range(line.quantity):
        best_rule, best = None, ZERO
        for r, units in ranked:
            if rank < len(units) and units[rank] > best:
                best_rule, best = r, units[rank]
        if best_rule is not None and best_rule.id == rule.id:
            won += best
    return won


def _compatible(rule: Rule, applied: list[Rule]) -> bool:
    return all(rule.combines_with(a.klass) and a.combines_with(rule.klass) for a in applied)


def _order_class(
    rules: list[Rule], applied: list[Rule], goods: Decimal, currency: str, result: Result
) -> list[tuple[Rule, Decimal]]:
    candidates: list[tuple[Decimal, Rule]] = []
    for rule in rules:
        if rule.klass != ORDER:
            continue
        if rule.min_subtotal is not None and goods < rule.min_subtotal:
            result.refused[rule.id] = BELOW_MINIMUM
            result.hints.append(Hint(rule.id, rule.name, amount=rule.min_subtotal - goods))
            continue
        tier, following = _tier_for(rule, goods)
        if following is not None:
            result.hints.append(
                Hint(
                    rule.id,
                    rule.name,
                    amount=following.threshold - goods,
                    percent=following.percent,
                    off=following.amount,
                )
            )
        if tier is None:
            result.refused[rule.id] = BELOW_MINIMUM
            continue
        if not _compatible(rule, applied):
            result.refused[rule.id] = DOES_NOT_COMBINE
            continue
        if tier.percent is not None:
            amount = _round(goods * min(tier.percent, HUNDRED) / HUNDRED, currency)
        else:
            amount = tier.amount or ZERO
        if rule.budget_left is not None:
            amount = min(amount, rule.budget_left)
        amount = max(ZERO, min(amount, goods))
        if amount > 0:
            candidates.append((amount, rule))
    candidates.sort(key=lambda c: (-c[0], *c[1].sort_key()))
    kept: list[tuple[Rule, Decimal]] = []
    left = goods
    for amount, rule in candidates:
        if not all(rule.combines_with(ORDER) and other.combines_with(ORDER) for other, _a in kept):
            result.refused[rule.id] = DOES_NOT_COMBINE
            continue
        amount = min(amount, left)
        if amount <= 0:
            continue
        kept.append((rule, amount))
        left -= amount
    return kept


def _spread(amount: Decimal, weights: dict[int, Decimal], currency: str) -> dict[int, Decimal]:
    """`amount` over the lines in proportion to their weights, each rounded down to the minor
    unit; the remainder to the largest line (ties: lowest id), then the next, never above a
    line's weight."""
    total = sum(weights.values(), ZERO)
    if amount <= 0 or total <= 0:
        return {}
    shares = {i: min(w, _floor(amount * w / total, currency)) for i, w in weights.items()}
    remainder = amount - sum(shares.values(), ZERO)
    for line_id in sorted(weights, key=lambda i: (-weights[i], i)):
        if remainder <= 0:
            break
        room = weights[line_id] - shares[line_id]
        more = min(room, remainder)
        shares[line_id] += more
        remainder -= more
    return {i: s for i, s in shares.items() if s > 0}


def _shipping_class(
    rules: list[Rule],
    applied: list[Rule],
    goods: Decimal,
    currency: str,
    shipping_price: Callable[[Decimal], Decimal | None],
    method_id: int | None,
    result: Result,
) -> None:
    price = shipping_price(goods)
    result.shipping = price
    if price is None:
        return
    for rule in rules:
        if rule.klass != SHIPPING:
            continue
        if rule.min_subtotal is not None and goods < rule.min_subtotal:
            result.refused[rule.id] = BELOW_MINIMUM
            result.hints.append(Hint(rule.id, rule.name, amount=rule.min_subtotal - goods))
            continue
        if rule.shipping_method_ids and method_id not in rule.shipping_method_ids:
            result.refused[rule.id] = SHIPPING_NOT_COVERED
            continue
        if not _compatible(rule, applied):
            result.refused[rule.id] = DOES_NOT_COMBINE
            continue
        if result.shipping_discount or price <= 0:
            continue  # one free shipping is enough; a later one is not refused
        off = price if rule.budget_left is None else min(price, rule.budget_left)
        result.shipping_discount = _round(off, currency)
        result.applied.append(Applied(rule.id, rule.name, rule.code, SHIPPING, off))
