"""Reading gift cards and store credit: what a checkout's cards and credit pay, a customer's
balances and history, and the liability (what the shop owes on all of them)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from moneyed import Money

from giftcards import ledger
from giftcards.models import CartRedemption, GiftCard, LedgerEntry, StoreCreditAccount
from giftcards.services import Coverage, coverage_for
from shop.money import money


@dataclass(frozen=True)
class CheckoutPrepaid:
    """What the review page, the cart page and the API show: the cards applied, the store
    credit the shopper could use (and whether they do), and what is left to pay."""

    coverage: Coverage
    cards: list[GiftCard]
    credit_available: Money | None  # None: no store credit in this currency
    using_credit: bool

    @property
    def parts(self):
        return self.coverage.parts

    @property
    def covered(self) -> Money:
        return self.coverage.covered

    @property
    def due(self) -> Money:
        return self.coverage.due

    @property
    def card_rows(self) -> list[tuple[GiftCard, Money]]:
        """Each card applied, with what it pays of this order (nothing: the others cover it)."""
        paid = {p.gift_card.pk: p.amount for p in self.parts if p.gift_card is not None}
        nothing = money(0, self.coverage.total.currency.code)
        return [(card, paid.get(card.pk, nothing)) for card in self.cards]


def for_checkout(*, cart, total: Money, user) -> CheckoutPrepaid:
    user = user if user is not None and user.is_authenticated else None
    currency = total.currency.code
    held = list(CartRedemption.objects.filter(cart=cart).select_related("gift_card", "account"))
    account = (
        StoreCreditAccount.objects.filter(user=user, currency=currency).first() if user else None
    )
    available = ledger.available_credit(account) if account else Decimal(0)
    return CheckoutPrepaid(
        coverage=coverage_for(cart=cart, total=total, user=user, held=held),
        cards=[h.gift_card for h in held if h.gift_card_id],
        credit_available=money(available, currency) if available > 0 else None,
        using_credit=any(h.account_id for h in held),
    )


@dataclass(frozen=True)
class Balances:
    credit: list[tuple[StoreCreditAccount, Money]]  # (account, usable now)
    cards: list[GiftCard]


def balances_of(user) -> Balances:
    """A customer's store credit (usable now, per currency) and the cards they bought or used."""
    accounts = list(StoreCreditAccount.objects.filter(user=user))
    cards = list(
        GiftCard.objects.filter(
            Q(purchaser=user)
            | Q(pk__in=LedgerEntry.objects.filter(order_id__in=_order_ids(user)).values(
                "gift_card_id"
            ))
        ).distinct()
    )  # fmt: skip
    return Balances(
        credit=[(a, money(ledger.available_credit(a), a.currency)) for a in accounts],
        cards=cards,
    )


def _order_ids(user) -> list[int]:
    # Orders sit above this app: their ids are read through the user's reverse relation.
    return list(user.orders.values_list("pk", flat=True)) if hasattr(user, "orders") else []


def history_of_card(card: GiftCard):
    return card.entries.exclude(kind__in=[LedgerEntry.Kind.HOLD, LedgerEntry.Kind.RELEASE],
                                amount=0).order_by("-created_at", "-pk")  # fmt: skip


def credit_history(user):
    return (
        LedgerEntry.objects.filter(account__user=user)
        .select_related("account")
        .order_by("-created_at", "-pk")
    )


def prepaid_entries_of_order(order_id: int):
    """The order's movements (captures, releases, refunds), for its page and the admin."""
    return (
        LedgerEntry.objects.filter(order_id=order_id)
        .exclude(amount=0)
        .select_related("gift_card", "account")
        .order_by("pk")
    )


def liability() -> dict[str, Decimal]:
    """What the shop owes, per currency: the sum of every card's and account's balance."""
    owed: dict[str, Decimal] = {}
    for row in GiftCard.objects.values("currency").annotate(s=Sum("balance")).order_by():
        owed[row["currency"]] = owed.get(row["currency"], Decimal(0)) + row["s"]
    for row in StoreCreditAccount.objects.values("currency").annotate(s=Sum("balance")).order_by():
        owed[row["currency"]] = owed.get(row["currency"], Decimal(0)) + row["s"]
    return {k: v for k, v in owed.items() if v}


def ledger_total() -> dict[str, Decimal]:
    """The same, summed from the ledger's rows (the dashboard's check that they agree)."""
    rows = LedgerEntry.objects.values("currency").annotate(s=Sum("amount")).order_by()
    return {row["currency"]: row["s"] for row in rows if row["s"]}


def liability_figure() -> dict:
    """The dashboard's figure (orders/dashboard.py FIGURES, added by the site): what the shop
    owes on gift cards and store credit, per currency; the ledger's sum must agree."""
    from django.utils.translation import gettext as _

    from shop.catalog.templatetags.shop_tags import money as format_money

    owed = liability()
    books = ledger_total()
    return {
        "title": _("Owed on gift cards and store credit"),
        "value": ", ".join(format_money(money(v, c)) for c, v in sorted(owed.items()))
        or format_money(money(0)),
        "note": _("Equal to the ledger's sum.")
        if owed == books
        else _("Differs from the ledger's sum: look at the ledger."),
    }
