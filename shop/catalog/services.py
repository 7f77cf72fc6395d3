"""Merchant-side catalog changes. Reservations and sales are orders/allocation.py's job."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from markets.models import validate_currency
from shop.catalog import options
from shop.catalog.listings import refresh_listings, refresh_stock
from shop.catalog.models import OptionValue, Variant, VariantPrice
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
        variant.stock_on_hand = quantity
        variant.save(update_fields=["stock_on_hand"])
        refresh_stock(product_ids=[variant.product_id])
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


def set_prices(*, variant_id: int, prices: dict[str, Decimal | None]) -> None:
    """Set (or, with None, take away) a variant's prices in other currencies than the shop's,
    as the merchant typed them: {"EUR": Decimal("24.90")}. The listing columns follow in the
    same transaction; a price taken away takes the variant out of that market."""
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
        refresh_listings(product_ids=[variant.product_id])
