"""Reading promotions: the ones running now, as the engine's Rules in one currency.

A fixed number of queries whatever the number of promotions: the promotions, then their
prices, tiers, items and shipping methods (one query each), then their uses (one aggregate).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from promotions import engine
from promotions.models import Promotion, PromotionTier, PromotionUse


@dataclass
class Candidates:
    """The rules that may apply in a currency, and why the others (codes, mostly) may not."""

    rules: list[engine.Rule] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)
    promotions: dict[int, Promotion] = field(default_factory=dict)


def running(*, codes: tuple[str, ...] = (), now=None):
    """Automatic promotions running now, and those with one of these codes (running or not:
    the caller says why a code is refused)."""
    wanted = [c.strip().upper() for c in codes if c and c.strip()]
    automatic = Q(code__isnull=True) & Q(pk__in=Promotion.objects.running(now).values("pk"))
    return Promotion.objects.filter(automatic | Q(code__in=wanted)).order_by("pk")


def _with_rows(queryset, currency: str):
    return queryset.prefetch_related(
        "prices",  # every currency's: a minimum set elsewhere only means "not offered here"
        Prefetch("tiers", queryset=PromotionTier.objects.filter(currency=currency)),
        "targets",
    )


def candidates(
    *,
    currency: str,
    email: str = "",
    codes: tuple[str, ...] = (),
    now=None,
    promotions: list[Promotion] | None = None,
) -> Candidates:
    """The running automatic promotions and the given codes as Rules in `currency`, each with
    what is left of its limits (uses in total, by this email, budget in this currency)."""
    if promotions is None:
        promotions = list(_with_rows(running(codes=codes, now=now), currency))
    found = Candidates(promotions={p.pk: p for p in promotions})
    if not promotions:
        return found
    ids = [p.pk for p in promotions]
    methods: dict[int, set[int]] = defaultdict(set)
    through = Promotion.shipping_methods.through
    for promotion_id, method_id in through.objects.filter(promotion_id__in=ids).values_list(
        "promotion_id", "shippingmethod_id"
    ):
        methods[promotion_id].add(method_id)
    limited = [
        p.pk for p in promotions if p.usage_limit is not None or p.per_customer_limit is not None
    ] + [p.pk for p in promotions if any(x.budget is not None for x in p.prices.all())]
    uses = {}
    if limited:
        email = (email or "").strip().lower()
        uses = {
            row["promotion_id"]: row
            for row in PromotionUse.objects.filter(promotion_id__in=set(limited))
            .values("promotion_id")
            .annotate(
                n=Count("pk"),
                mine=Count("pk", filter=Q(email=email)) if email else Count("pk", filter=Q(pk=0)),
                spent=Sum("amount", filter=Q(currency=currency)),
            )
        }
    for promotion in promotions:
        reason = is_running(promotion, now)
        if reason:
            found.refused[promotion.pk] = reason
            continue
        rule, reason = as_rule(
            promotion, currency=currency, uses=uses.get(promotion.pk), methods=methods
        )
        if rule is None:
            found.refused[promotion.pk] = reason
        else:
            found.rules.append(rule)
    return found


def as_rule(
    promotion: Promotion, *, currency: str, uses: dict | None, methods: dict[int, set[int]]
) -> tuple[engine.Rule | None, str]:
    """The promotion as the engine's Rule in `currency`, or None and why not."""
    uses = uses or {}
    if promotion.usage_limit is not None and uses.get("n", 0) >= promotion.usage_limit:
        return None, engine.USED_UP
    if promotion.per_customer_limit is not None and uses.get("mine", 0) >= (
        promotion.per_customer_limit
    ):
        return None, "already_used"
    price = next((p for p in promotion.prices.all() if p.currency == currency), None)
    tiers = tuple(
        engine.Tier(t.threshold, t.percent, t.amount)
        for t in promotion.tiers.all()
        if t.currency == currency
    )
    kind = promotion.kind
    if kind == Promotion.Kind.ITEMS_AMOUNT and (price is None or price.amount_off is None):
        return None, engine.NOT_IN_CURRENCY
    if kind in (Promotion.Kind.ITEMS_PERCENT, Promotion.Kind.BUY_X_GET_Y) and (
        promotion.percent is None
    ):
        return None, engine.NOT_IN_CURRENCY  # refused by clean(); never read as 100 %
    if kind == Promotion.Kind.ORDER_TIERS and not tiers:
        if promotion.percent is None:
            return None, engine.NOT_IN_CURRENCY
        tiers = (engine.Tier(Decimal(0), promotion.percent, None),)
    needs_minimum = kind in (Promotion.Kind.ORDER_TIERS, Promotion.Kind.FREE_SHIPPING)
    # A minimum set in other currencies but not this one: not offered here (never converted).
    elsewhere = any(p.min_subtotal is not None for p in promotion.prices.all())
    if needs_minimum and elsewhere and (price is None or price.min_subtotal is None):
        return None, engine.NOT_IN_CURRENCY
    budget_left = None
    if price is not None and price.budget is not None:
        budget_left = price.budget - (uses.get("spent") or Decimal(0))
    targets = frozenset(t.as_key() for t in promotion.targets.all() if t.role == "get")
    buy = frozenset(t.as_key() for t in promotion.targets.all() if t.role == "buy")
    return (
        engine.Rule(
            id=promotion.pk,
            name=promotion.name,
            kind=kind,
            code=promotion.code or "",
            priority=promotion.priority,
            percent=promotion.percent,
            amount=price.amount_off if price is not None else None,
            targets=targets,
            buy=buy,
            buy_quantity=promotion.buy_quantity,
            get_quantity=promotion.get_quantity,
            tiers=tiers,
            min_subtotal=price.min_subtotal if price is not None else None,
            shipping_method_ids=frozenset(methods.get(promotion.pk, ())),
            combines_with_product=promotion.combines_with_product,
            combines_with_order=promotion.combines_with_order,
            combines_with_shipping=promotion.combines_with_shipping,
            per_order_limit=promotion.per_order_limit,
            budget_left=budget_left,
            signed_in_only=promotion.signed_in_only,
            first_order_only=promotion.first_order_only,
            min_quantity=promotion.min_quantity,
            email_domains=promotion.domains,
        ),
        "",
    )


def is_running(promotion: Promotion, now=None) -> str:
    """'' if the promotion runs now, else 'not_yet_valid', 'expired' or 'not_valid'."""
    now = now or timezone.now()
    if not promotion.is_active:
        return "not_valid"
    if promotion.starts_at and now < promotion.starts_at:
        return "not_yet_valid"
    if promotion.ends_at and now >= promotion.ends_at:
        return "expired"
    return ""
