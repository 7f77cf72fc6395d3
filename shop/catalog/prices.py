"""A variant's price in a currency: `Variant.price` in the shop's own currency (the default
market), a catalog.VariantPrice row in any other. No row, no sale in that currency: nothing
here ever converts one currency into another."""

from __future__ import annotations

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from moneyed import Money

from shop.catalog.models import Variant, VariantPrice
from shop.money import money


def is_shop_currency(currency: str | None) -> bool:
    return not currency or currency == settings.SHOP_CURRENCY


def price_subquery(variant_ref: OuterRef, currency: str) -> Subquery:
    """The variant's amount in `currency` (NULL if not priced in it), for an annotation."""
    return Subquery(
        VariantPrice.objects.filter(variant=variant_ref, currency=currency).values("amount")[:1]
    )


def with_prices(rows: QuerySet, currency: str | None, *, ref: str = "pk") -> QuerySet:
    """Variants (or rows pointing at one through `ref`, e.g. cart lines' "variant_id")
    annotated with `market_amount` in `currency` (one query for any number)."""
    if is_shop_currency(currency):
        return rows
    return rows.annotate(market_amount=price_subquery(OuterRef(ref), currency))


def price_in(variant: Variant, currency: str | None) -> Money | None:
    """What the variant costs in `currency`, or None when it is not sold in it. Uses the
    `market_amount` annotation when present (with_prices), else one query."""
    if is_shop_currency(currency):
        return money(variant.price.amount, variant.price.currency.code)
    if hasattr(variant, "market_amount"):
        amount = variant.market_amount
    else:
        amount = (
            VariantPrice.objects.filter(variant=variant, currency=currency)
            .values_list("amount", flat=True)
            .first()
        )
    return None if amount is None else money(amount, currency)


def attach_prices(variants: list[Variant], currency: str | None) -> list[Variant]:
    """Set `market_amount` on already loaded variants (one query); returns those sold in
    `currency`, in their order."""
    if is_shop_currency(currency):
        return variants
    amounts = dict(
        VariantPrice.objects.filter(
            variant_id__in=[v.pk for v in variants], currency=currency
        ).values_list("variant_id", "amount")
    )
    for variant in variants:
        variant.market_amount = amounts.get(variant.pk)
    return [v for v in variants if v.market_amount is not None]


def shown_in(variants: list[Variant], currency: str | None) -> list[Variant]:
    """The variants sold in `currency`, each with `price` replaced, in memory, by its price in
    that currency: for a page that only shows them (the product page, its structured data).
    Variants passed through here are never saved (a guard refuses it)."""
    sold = attach_prices(variants, currency)
    if is_shop_currency(currency):
        return sold
    for variant in sold:
        variant.price = money(variant.market_amount, currency)
        variant.save = _refuse_save
    return sold


def _refuse_save(*args, **kwargs):
    raise RuntimeError("A variant priced for display in a market's currency is never saved.")
