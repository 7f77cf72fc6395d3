"""Merchant-side catalog changes. Reservations and sales are orders/allocation.py's job."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from markets.models import validate_currency
from shop.catalog import cache, options, signals
from shop.catalog.listings import refresh_listings, refresh_stock
from shop.catalog.models import OptionValue, Product, Variant, VariantPrice
from shop.money import quantize


def set_stock_on_hand(*, variant_id: int, quantity: int) -> Variant:
    """Set the units on the shelf, never below what unpaid orders hold.

    Only `stock_on_hand` is written, under the row lock, so a stale form cannot overwrite the
    reserved count that checkouts are changing at the same time.
    """
    with transaction.atomic():
        variant = Variant.objects.select_for_update().get(pk=variant_id)
        if quantity < 0 and not variant.allow_backorder:
            raise ValidationError(
                _("%(sku)s: stock on hand cannot be negative.") % {"sku": variant.sku}
            )
        if quantity < variant.stock_reserved and not variant.sells_without_limit:
            raise ValidationError(
                _(
                    "%(sku)s: cannot set stock to %(quantity)d; %(reserved)d units are reserved "
                    "by orders awaiting payment."
                )
                % {"sku": variant.sku, "quantity": quantity, "reserved": variant.stock_reserved}
            )
        before = {variant.pk: variant.in_stock}
        variant.stock_on_hand = quantity
        variant.save(update_fields=["stock_on_hand"])
        refresh_stock(product_ids=[variant.product_id])
        signals.announce_returned([variant], before)
        return variant


def save_variant(
    *,
    variant: Variant,
    refresh: bool = True,
    option_values: Iterable[OptionValue] | None = None,
) -> Variant:
    """Save a variant edited in the admin without clobbering the stock columns, with these
    option values when given (catalog/options.py keeps one per option, no duplicates).

    `refresh=False` leaves the product's listing columns to the caller (a bulk import
    refreshes every product it touched once, at the end, in the same transaction)."""
    with transaction.atomic():
        if variant.pk is None:
            variant.stock_reserved = 0
            variant.save()
        else:
            variant.save()  # everything but the stock columns
            stock = set_stock_on_hand(variant_id=variant.pk, quantity=variant.stock_on_hand)
            variant.stock_reserved = stock.stock_reserved
        if option_values is not None:
            options.set_variant_options(variant=variant, values=option_values)
        if refresh:
            refresh_listings(product_ids=[variant.product_id])
        return variant


def lock_variants_of(*, product_ids) -> None:
    """Take the products' variant rows before saving the products themselves: the lock order
    of checkouts (variants, then products; see listings.refresh_stock)."""
    list(
        Variant.objects.select_for_update()
        .filter(product_id__in=list(product_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def set_rating_summary(*, product_id: int, counts: list[int]) -> None:
    """Write what the product's approved reviews add up to: `counts` is how many gave 1 to 5
    stars. Called by the reviews app inside its moderation transaction, with the product row
    locked there first; cards and the product page show it from the next request (the catalog
    version and the product's own are bumped on commit)."""
    if len(counts) != 5 or any(n < 0 for n in counts):
        raise ValueError("counts: five numbers of reviews, for 1 to 5 stars")
    total = sum(counts)
    average = None
    if total:
        stars = sum(n * (i + 1) for i, n in enumerate(counts))
        average = (Decimal(stars) / Decimal(total)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    with transaction.atomic():
        updated = Product.objects.filter(pk=product_id).update(
            rating_average=average, rating_count=total, rating_counts=list(counts)
        )
        if updated:
            slug = Product.objects.values_list("slug", flat=True).get(pk=product_id)
            transaction.on_commit(cache.bump_catalog_version)
            transaction.on_commit(lambda: cache.bump_product_versions([slug]))


def page_of_product_changed(*, product_id: int) -> None:
    """Something shown on the product's own page changed (a review's helpful votes, a reply):
    its cached page is rebuilt on the next request, the rest of the catalog is kept."""
    slug = Product.objects.filter(pk=product_id).values_list("slug", flat=True).first()
    if slug:
        transaction.on_commit(lambda: cache.bump_product_versions([slug]))


def set_prices(*, variant_id: int, prices: dict[str, Decimal | None], refresh: bool = True) -> None:
    """Set (or, with None, take away) a variant's prices in other currencies than the shop's,
    as the merchant typed them: {"EUR": Decimal("24.90")}. The listing columns follow in the
    same transaction; a price taken away takes the variant out of that market. `refresh=False`:
    the caller refreshes the listings once for many variants (the CSV import)."""
    with transaction.atomic():
        variant = Variant.objects.get(pk=variant_id)
        for currency, amount in prices.items():
            validate_currency(currency)
            if amount is None:
                VariantPrice.objects.filter(variant=variant, currency=currency).delete()
                continue
            if Decimal(amount) < 0:
                raise ValidationError(_("A price cannot be negative."))
            VariantPrice.objects.update_or_create(
                variant=variant,
                currency=currency,
                defaults={"amount": quantize(Decimal(amount), currency)},
            )
        if refresh:
            refresh_listings(product_ids=[variant.product_id])
