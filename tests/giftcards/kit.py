"""What the gift card tests share: a card issued, applied to a cart, and the ledger's sums."""

from decimal import Decimal

from django.db.models import Sum

from giftcards import services
from giftcards.models import CartRedemption, GiftCard, LedgerEntry, StoreCreditAccount


def issue(amount="30.00", currency="USD", **extra) -> services.IssuedCard:
    return services.issue_card(amount=Decimal(amount), currency=currency, actor="staff", **extra)


def apply(cart, code: str, *, ip="10.0.0.1", session="s1"):
    return services.apply_card(cart=cart, code=code, client_ip=ip, session_key=session)


def hold(cart, card: GiftCard) -> None:
    """Apply a card to a cart without a lookup (the hold a shopper's apply makes)."""
    CartRedemption.objects.filter(gift_card=card).delete()
    CartRedemption.objects.create(cart=cart, gift_card=card)


def credit(user, amount="20.00", currency="USD", **extra) -> StoreCreditAccount:
    services.credit_customer(
        user=user, amount=Decimal(amount), currency=currency, actor="staff", reason="goodwill",
        **extra,
    )  # fmt: skip
    return StoreCreditAccount.objects.get(user=user, currency=currency)


def ledger_sum(**filters) -> Decimal:
    return LedgerEntry.objects.filter(**filters).aggregate(s=Sum("amount"))["s"] or Decimal(0)


def books_balance() -> None:
    """Every card's and account's balance is the sum of its ledger rows."""
    for card in GiftCard.objects.all():
        assert card.balance == ledger_sum(gift_card=card), card
        assert card.balance >= 0
    for account in StoreCreditAccount.objects.all():
        assert account.balance == ledger_sum(account=account), account
        assert account.balance == sum(g.remaining for g in account.grants.all())
