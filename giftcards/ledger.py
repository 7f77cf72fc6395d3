"""Every movement of a gift card or a store-credit account: one append-only LedgerEntry, and the
balance column moved in the same transaction (a CHECK keeps it at zero or above).

Lock order, everywhere an order is placed or changed: the order row, then gift cards and
credit accounts in primary-key order (all the cards first, then the accounts), then variants
in primary-key order (orders/allocation.py). Every function here that moves money expects its
caller to hold the locks of the rows it moves (`lock_cards`, `lock_accounts`), inside the
caller's transaction; balances are always re-read under those locks.

What an order took from a source, and has not had back, is the negative of the sum of that
source's entries naming the order (capture, release, refund): releasing or refunding reads it
again, so doing either twice gives back nothing the second time.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from giftcards.models import CreditGrant, GiftCard, LedgerEntry, StoreCreditAccount

ZERO = Decimal(0)


def lock_cards(card_ids) -> dict[int, GiftCard]:
    ids = sorted(set(card_ids))
    if not ids:
        return {}
    return {c.pk: c for c in GiftCard.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def lock_accounts(account_ids) -> dict[int, StoreCreditAccount]:
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    return {
        a.pk: a
        for a in StoreCreditAccount.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }


def move_card(
    card: GiftCard,
    amount: Decimal,
    *,
    kind: str,
    actor: str,
    order_id: int | None = None,
    order_number: str = "",
    cart_id: int | None = None,
    note: str = "",
) -> LedgerEntry:
    """Add `amount` (negative: take) to a locked card and write its entry."""
    card.balance += amount
    GiftCard.objects.filter(pk=card.pk).update(balance=card.balance)
    return LedgerEntry.objects.create(
        gift_card=card,
        kind=kind,
        amount=amount,
        currency=card.currency,
        balance_after=card.balance,
        actor=actor[:200],
        order_id=order_id,
        order_number=order_number,
        cart_id=cart_id,
        note=note[:300],
    )


def move_grant(
    account: StoreCreditAccount,
    grant: CreditGrant,
    amount: Decimal,
    *,
    kind: str,
    actor: str,
    order_id: int | None = None,
    order_number: str = "",
    note: str = "",
) -> LedgerEntry:
    """Add `amount` (negative: take) to a grant of a locked account and write its entry."""
    grant.remaining += amount
    CreditGrant.objects.filter(pk=grant.pk).update(remaining=grant.remaining)
    account.balance += amount
    StoreCreditAccount.objects.filter(pk=account.pk).update(balance=account.balance)
    return LedgerEntry.objects.create(
        account=account,
        grant=grant,
        kind=kind,
        amount=amount,
        currency=account.currency,
        balance_after=account.balance,
        actor=actor[:200],
        order_id=order_id,
        order_number=order_number,
        note=note[:300],
    )


def usable_grants(account: StoreCreditAccount, now=None) -> list[CreditGrant]:
    """The account's grants that can pay, the one expiring soonest first (never-expiring last)."""
    now = now or timezone.now()
    grants = CreditGrant.objects.filter(account=account, remaining__gt=0).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    return sorted(grants, key=lambda g: (g.expires_at is None, g.expires_at or now, g.pk))


def available_credit(account: StoreCreditAccount | None, now=None) -> Decimal:
    if account is None:
        return ZERO
    return sum((g.remaining for g in usable_grants(account, now)), ZERO)


def debit_account(
    account: StoreCreditAccount,
    amount: Decimal,
    *,
    kind: str,
    actor: str,
    order_id: int | None = None,
    order_number: str = "",
    note: str = "",
) -> list[LedgerEntry]:
    """Take `amount` from a locked account, soonest-expiring credit first (one entry per grant
    used). The caller checked that enough is available."""
    entries = []
    left = amount
    for grant in usable_grants(account):
        if left <= 0:
            break
        take = min(grant.remaining, left)
        entries.append(
            move_grant(
                account,
                grant,
                -take,
                kind=kind,
                actor=actor,
                order_id=order_id,
                order_number=order_number,
                note=note,
            )
        )
        left -= take
    if left > 0:
        raise ValueError("not enough store credit")  # the caller checked: a bug
    return entries


def grant_credit(
    account: StoreCreditAccount,
    amount: Decimal,
    *,
    kind: str,
    actor: str,
    reason: str,
    expires_at=None,
    order_id: int | None = None,
    order_number: str = "",
) -> LedgerEntry:
    """A new credit on a locked account (staff credit, a refund to store credit)."""
    grant = CreditGrant.objects.create(
        account=account, amount=amount, remaining=0, expires_at=expires_at, reason=reason[:200]
    )
    return move_grant(
        account,
        grant,
        amount,
        kind=kind,
        actor=actor,
        order_id=order_id,
        order_number=order_number,
        note=reason,
    )


def taken_by_order(order_id: int) -> dict[tuple[str, int], Decimal]:
    """What the order took from each source and has not had back: ("card", id) or ("grant",
    id) -> amount (positive), in the order the order took them."""
    rows = (
        LedgerEntry.objects.filter(
            order_id=order_id,
            kind__in=[LedgerEntry.Kind.CAPTURE, LedgerEntry.Kind.RELEASE, LedgerEntry.Kind.REFUND],
        )
        .filter(Q(gift_card__isnull=False) | Q(grant__isnull=False))
        .values("gift_card_id", "grant_id", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    net: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        if row["kind"] == LedgerEntry.Kind.REFUND and row["grant_id"] is not None:
            # a refund to store credit lands on a new grant: counted below, not against it
            continue
        key = ("card", row["gift_card_id"]) if row["gift_card_id"] else ("grant", row["grant_id"])
        net[key] += row["total"]
    taken_in_order = list(
        LedgerEntry.objects.filter(order_id=order_id, kind=LedgerEntry.Kind.CAPTURE)
        .order_by("pk")
        .values_list("gift_card_id", "grant_id")
    )
    result: dict[tuple[str, int], Decimal] = {}
    for card_id, grant_id in taken_in_order:
        key = ("card", card_id) if card_id else ("grant", grant_id)
        if -net[key] > 0:
            result[key] = -net[key]
    return result


@transaction.atomic(savepoint=False)
def sources_of(order_id: int) -> tuple[dict[int, GiftCard], dict[int, StoreCreditAccount]]:
    """Lock the cards and accounts the order took from, in the lock order."""
    captures = LedgerEntry.objects.filter(order_id=order_id, kind=LedgerEntry.Kind.CAPTURE)
    card_ids = [c for c in captures.values_list("gift_card_id", flat=True) if c]
    account_ids = [a for a in captures.values_list("account_id", flat=True) if a]
    return lock_cards(card_ids), lock_accounts(account_ids)
