"""Every change to stock that a sale makes: reserve, commit, release.

Lock order, everywhere: the order row first (when there is one), then Variant rows in
primary-key order, then (for the listings' stock column, catalog/listings.py) Product rows in
primary-key order. Reservation rows are only written while their variant's row is locked, so
they need no lock of their own. Availability is always recomputed inside the locks, and the
CHECK constraints on Variant (reserved <= on hand, both >= 0) forbid overselling even if this
module were bypassed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from orders.exceptions import OutOfStock
from orders.models import Order, Reservation
from shop.cart import metrics as cart_metrics
from shop.catalog import listings, signals
from shop.catalog.models import Variant
from shop.catalog.selectors import variants_for_update


def lock_variants(variant_ids) -> dict[int, Variant]:
    return {v.pk: v for v in variants_for_update(sorted(set(variant_ids)))}


def _in_stock(variants) -> dict[int, int]:
    return {v.pk: v.in_stock for v in variants}


def _listings_follow(variants, before: dict[int, int]) -> None:
    """The products' listing stock follows, in the same transaction; the cached pages a
    shopper could see the change on are rebuilt: every listing when a variant sells out or
    comes back, its product's page when a count at or under SHOWN_STOCK changes."""
    variants = list(variants)
    limited = [v for v in variants if v.track_stock and not v.allow_backorder]
    if any((before.get(v.pk, 0) > 0) != (v.in_stock > 0) for v in limited):
        visible = listings.EVERYWHERE
    elif any(min(before.get(v.pk, 0), v.in_stock) <= listings.SHOWN_STOCK for v in limited):
        visible = listings.PRODUCT_PAGES
    else:
        visible = listings.NOWHERE
    listings.refresh_stock(product_ids={v.product_id for v in variants}, visible=visible)
    signals.announce_returned(limited, before)


def _release_expired(variants: dict[int, Variant], now: datetime) -> None:
    """Give back units held by reservations that ran out (their orders expire later)."""
    expired = list(
        Reservation.objects.filter(
            variant_id__in=variants, state=Reservation.State.ACTIVE, expires_at__lte=now
        )
    )
    if not expired:
        return
    before = _in_stock(variants.values())
    for reservation in expired:
        variants[reservation.variant_id].stock_reserved -= reservation.quantity
    Reservation.objects.filter(pk__in=[r.pk for r in expired]).update(
        state=Reservation.State.RELEASED
    )
    changed = {variants[r.variant_id] for r in expired}
    for variant in changed:
        variant.save(update_fields=["stock_reserved"])
    _listings_follow(changed, before)


def _short(variant: Variant, wanted: int) -> bool:
    return (
        not variant.sells_without_limit and variant.stock_on_hand - variant.stock_reserved < wanted
    )


# Each function is one transaction of its own, or part of its caller's without a savepoint
# (two round trips saved): an error fails the caller's whole transaction, as it should; the
# one caller that carries on after OutOfStock (orders.services.mark_paid) takes a savepoint.
@transaction.atomic(savepoint=False)
def reserve(*, order: Order, quantities: dict[int, int], until: datetime) -> None:
    """Hold `quantities` (variant id -> units) for the order, or raise OutOfStock.

    Variants that do not track stock hold nothing; backordered ones hold what is asked even
    beyond what is on the shelf.
    """
    variants = lock_variants(quantities)
    missing = set(quantities) - set(variants)
    if missing:
        raise OutOfStock([f"item #{pk}" for pk in sorted(missing)])
    _release_expired(variants, timezone.now())
    short = [v for pk, v in variants.items() if _short(v, quantities[pk])]
    if short:
        cart_metrics.STOCK_REFUSALS.labels("checkout").inc()  # now: the transaction rolls back
        raise OutOfStock(short)
    tracked = {pk: v for pk, v in variants.items() if v.track_stock}
    before = _in_stock(tracked.values())
    for pk, variant in tracked.items():
        variant.stock_reserved += quantities[pk]
    # One statement for any number of lines (the rows are locked; the CHECK constraints
    # still refuse a count that would oversell).
    Variant.objects.bulk_update(list(tracked.values()), ["stock_reserved"])
    Reservation.objects.bulk_create(
        Reservation(order=order, variant_id=pk, quantity=quantities[pk], expires_at=until)
        for pk in tracked
    )
    _listings_follow(tracked.values(), before)


@transaction.atomic(savepoint=False)
def commit(*, order: Order) -> None:
    """Turn the order's holds into sold units (on hand goes down), or raise OutOfStock.

    A hold that already ran out is bought again from what is available now; if that is not
    enough, nothing changes. The caller holds the order's row lock.
    """
    wanted: dict[int, int] = defaultdict(int)
    for line in order.lines.all():
        if line.variant_id is None:
            raise OutOfStock([f"{line.product_name} ({line.variant_label})"])
        wanted[line.variant_id] += line.quantity
    variants = lock_variants(wanted)
    if set(variants) != set(wanted):
        raise OutOfStock([f"item #{pk}" for pk in sorted(set(wanted) - set(variants))])
    held = {
        r.variant_id: r
        for r in Reservation.objects.filter(order=order, state=Reservation.State.ACTIVE)
    }
    short = [v for pk, v in variants.items() if pk not in held and _short(v, wanted[pk])]
    if short:
        cart_metrics.STOCK_REFUSALS.labels("payment").inc()
        raise OutOfStock(short)
    before = _in_stock(variants.values())
    tracked = [v for v in variants.values() if v.track_stock]
    for variant in tracked:
        variant.stock_on_hand -= wanted[variant.pk]
        if variant.pk in held:
            variant.stock_reserved -= held[variant.pk].quantity
    Variant.objects.bulk_update(tracked, ["stock_on_hand", "stock_reserved"])
    Reservation.objects.filter(order=order).update(state=Reservation.State.COMMITTED)
    _listings_follow((v for v in variants.values() if v.track_stock), before)


@transaction.atomic(savepoint=False)
def restore(*, order: Order) -> None:
    """Put a paid order's units back on the shelf (cancelled or returned before shipping).
    The caller holds the order's row lock."""
    wanted: dict[int, int] = defaultdict(int)
    for line in order.lines.exclude(variant=None):
        wanted[line.variant_id] += line.quantity
    variants = lock_variants(wanted)
    before = _in_stock(variants.values())
    for pk, variant in variants.items():
        if variant.track_stock:
            variant.stock_on_hand += wanted[pk]
            variant.save(update_fields=["stock_on_hand"])
    _listings_follow((v for v in variants.values() if v.track_stock), before)


@transaction.atomic(savepoint=False)
def release(*, order: Order) -> None:
    """Give back every unit the order still holds. The caller holds the order's row lock."""
    active = list(Reservation.objects.filter(order=order, state=Reservation.State.ACTIVE))
    if not active:
        return
    variants = lock_variants(r.variant_id for r in active)
    before = _in_stock(variants.values())
    # Re-read under the variant locks: a checkout may have released an expired hold meanwhile.
    for reservation in Reservation.objects.filter(
        pk__in=[r.pk for r in active], state=Reservation.State.ACTIVE
    ):
        variant = variants[reservation.variant_id]
        variant.stock_reserved -= reservation.quantity
        variant.save(update_fields=["stock_reserved"])
        reservation.state = Reservation.State.RELEASED
        reservation.save(update_fields=["state"])
    _listings_follow(variants.values(), before)


def _move(variants: dict, quantities: dict[int, int], *, reserved=0, on_hand=0) -> None:
    """Move the locked variants' held (`reserved`) and on-hand units by their quantities, in
    the direction given (+1 or -1); variants that do not track stock are left alone. The
    listings follow when what a shopper sees changes."""
    tracked = {pk: v for pk, v in variants.items() if v.track_stock}
    before = _in_stock(tracked.values())
    for pk, variant in tracked.items():
        variant.stock_reserved += reserved * quantities[pk]
        variant.stock_on_hand += on_hand * quantities[pk]
    fields = [
        name for name, step in (("stock_reserved", reserved), ("stock_on_hand", on_hand)) if step
    ]
    Variant.objects.bulk_update(list(tracked.values()), fields)
    _listings_follow(tracked.values(), before)


@transaction.atomic(savepoint=False)
def restock(*, order: Order, quantities: dict[int, int]) -> None:
    """Put returned units back on the shelf: `quantities` is variant id -> units received
    as sellable. The caller holds the order's row lock and records that these units are
    back (so they are never put back twice); variants that no longer exist or do not track
    stock are skipped."""
    quantities = {pk: units for pk, units in quantities.items() if units > 0}
    if not quantities:
        return
    _move(lock_variants(quantities), quantities, on_hand=+1)


@transaction.atomic(savepoint=False)
def hold_for_exchange(*, order: Order, quantities: dict[int, int]) -> None:
    """Set aside units of replacement variants for an approved exchange (they are not for
    sale meanwhile), or raise OutOfStock. The hold has no Reservation row (the order's paid
    reservations stay as they are): the return line that asked for it records it, and
    `ship_exchange` or `release_exchange` ends it. The caller holds the order's row lock."""
    variants = lock_variants(quantities)
    missing = set(quantities) - set(variants)
    if missing:
        raise OutOfStock([f"item #{pk}" for pk in sorted(missing)])
    _release_expired(variants, timezone.now())
    short = [v for pk, v in variants.items() if _short(v, quantities[pk])]
    if short:
        raise OutOfStock(short)
    _move(variants, quantities, reserved=+1)


@transaction.atomic(savepoint=False)
def ship_exchange(*, order: Order, quantities: dict[int, int]) -> None:
    """The held replacement units leave the shelf (a new shipment of the order)."""
    _move(lock_variants(quantities), quantities, reserved=-1, on_hand=-1)


@transaction.atomic(savepoint=False)
def release_exchange(*, order: Order, quantities: dict[int, int]) -> None:
    """Give back replacement units held for an exchange that will not happen."""
    _move(lock_variants(quantities), quantities, reserved=-1)
