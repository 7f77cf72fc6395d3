"""Sale prices for catalog pages: what an automatic item promotion takes off a product's price
for every shopper (was / now, and the promotion's name as the reason).

Only promotions that hold for anyone qualify: automatic, percentage or amount off items, with
no condition (signed in, first order, email domain, minimum quantity) and no limit that could
run out (uses, budget, per order). The cart prices every promotion (shop/cart/pricing.py); a
card never promises more than the cart gives.

The rules are read once per catalog version and currency (the version is bumped when a
promotion changes, and at each start and end: services.bump_at_boundaries), so a cached page
and the rules it was built with always agree.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone
from moneyed import Money

from promotions import engine
from promotions.models import Promotion, PromotionPrice
from shop.catalog.cache import catalog_version
from shop.catalog.models import Product
from shop.money import money

_MEMO: dict[tuple[int | str, str], list[engine.Rule]] = {}


@dataclass(frozen=True)
class Sale:
    was: Money
    now: Money
    reason: str


def rules_for(currency: str) -> list[engine.Rule]:
    """The unconditional automatic item promotions running now, as Rules in `currency`."""
    try:
        version = catalog_version()
    except Exception:  # the cache is down: pages are not cached then; read again every 5 s
        version = f"uncached-{int(time.monotonic() // 5)}"
    key = (version, currency)
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) > 64:
            _MEMO.clear()
        found = _MEMO[key] = _load(currency)
    return found


def forget() -> None:
    _MEMO.clear()


def _load(currency: str) -> list[engine.Rule]:
    budgets = PromotionPrice.objects.filter(promotion=OuterRef("pk"), budget__isnull=False)
    promotions = (
        Promotion.objects.running(timezone.now())
        .filter(
            code__isnull=True,
            kind__in=[Promotion.Kind.ITEMS_PERCENT, Promotion.Kind.ITEMS_AMOUNT],
            signed_in_only=False,
            first_order_only=False,
            email_domains="",
            min_quantity__isnull=True,
            usage_limit__isnull=True,
            per_customer_limit__isnull=True,
            per_order_limit__isnull=True,
        )
        .filter(~Exists(budgets))
        .prefetch_related("prices", "targets")
    )
    found = []
    for promotion in promotions:
        price = next((p for p in promotion.prices.all() if p.currency == currency), None)
        if promotion.kind == Promotion.Kind.ITEMS_AMOUNT and (
            price is None or price.amount_off is None
        ):
            continue
        if promotion.kind == Promotion.Kind.ITEMS_PERCENT and promotion.percent is None:
            continue
        found.append(
            engine.Rule(
                id=promotion.pk,
                name=promotion.name,
                kind=promotion.kind,
                priority=promotion.priority,
                percent=promotion.percent,
                amount=price.amount_off if price is not None else None,
                targets=frozenset(t.as_key() for t in promotion.targets.all() if t.role == "get"),
            )
        )
    return sorted(_by_product(found), key=engine.Rule.sort_key)


def _by_product(rules: list[engine.Rule]) -> list[engine.Rule]:
    """Category targets as the products in them (one query, only if a rule has any): a card
    then needs no category of its own, which listings do not load."""
    categories = {pk for rule in rules for kind, pk in rule.targets if kind == "category"}
    if not categories:
        return rules
    products: dict[int, list[int]] = {}
    for product_id, category_id in Product.objects.filter(category_id__in=categories).values_list(
        "pk", "category_id"
    ):
        products.setdefault(category_id, []).append(product_id)
    return [
        replace(
            rule,
            targets=frozenset(
                key
                for kind, pk in rule.targets
                for key in (
                    [("product", p) for p in products.get(pk, [])]
                    if kind == "category"
                    else [(kind, pk)]
                )
            ),
        )
        if any(kind == "category" for kind, _pk in rule.targets)
        else rule
        for rule in rules
    ]


def sale_price(
    price: Money | None, *, product_id: int, category_id: int | None, variant_id: int = 0
) -> Sale | None:
    """The best sale on one unit at `price` (ties: priority, then id), or None."""
    if price is None or not price.amount:
        return None
    currency = price.currency.code
    line = engine.Line(0, variant_id, product_id, category_id, price.amount, 1)
    best, best_off = None, Decimal(0)
    for rule in rules_for(currency):
        if not engine._matches(rule.targets, line):
            continue
        off = engine._unit_off(rule, price.amount, currency)
        if off > best_off:
            best, best_off = rule, off
    if best is None:
        return None
    return Sale(was=price, now=money(price.amount - best_off, currency), reason=best.name)
