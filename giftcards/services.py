"""Gift card and store credit operations, each one transaction (or part of its caller's, for
those orders call while placing, expiring or refunding an order).

Lock order (ledger.py's docstring, DESIGN.md's invariants): the order row, then gift cards
and credit accounts in primary-key order, then variants in primary-key order. Orders call
`lock_for_checkout` after locking their order rows and before locking any variant.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from moneyed import Money

from giftcards import codes, ledger, signals
from giftcards.exceptions import GiftCardError, GiftCardErrorCode, cannot_be_used
from giftcards.models import CartRedemption, GiftCard, LedgerEntry, StoreCreditAccount
from shop import ratelimits
from shop.money import money, quantize

Kind = LedgerEntry.Kind
MAX_CARDS_PER_CHECKOUT = 5


# --- issuing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedCard:
    """A card just made, with its code: the only time the whole code exists in memory."""

    card: GiftCard
    code: str

    @property
    def grouped_code(self) -> str:
        return codes.grouped(self.code)


def _check_amount(amount: Decimal, currency: str) -> Decimal:
    try:
        value = quantize(Decimal(amount), currency)
    except (ArithmeticError, ValueError, TypeError) as error:
        raise GiftCardError(
            _("Enter an amount greater than zero."), GiftCardErrorCode.INVALID_AMOUNT
        ) from error
    if value <= 0 or value >= Decimal("1e9"):
        raise GiftCardError(
            _("Enter an amount greater than zero."), GiftCardErrorCode.INVALID_AMOUNT
        )
    return value


def issue_card(
    *,
    amount: Decimal,
    currency: str,
    actor: str,
    expires_at=None,
    purchaser=None,
    purchaser_email: str = "",
    recipient_email: str = "",
    sender_name: str = "",
    message: str = "",
    send_on=None,
    order_id: int | None = None,
    order_line_id: int | None = None,
    unit: int = 0,
    order_number: str = "",
    note: str = "",
) -> IssuedCard:
    """Make a card with a new code and `amount` on it (an ISSUE entry)."""
    value = _check_amount(amount, currency)
    with transaction.atomic():
        for _attempt in range(5):
            code = codes.new_code()
            try:
                with transaction.atomic():
                    card = GiftCard.objects.create(
                        code_hash=codes.code_hash(code),
                        last4=code[-4:],
                        currency=currency,
                        initial_balance=value,
                        balance=0,
                        expires_at=expires_at,
                        purchaser=purchaser,
                        purchaser_email=purchaser_email,
                        recipient_email=recipient_email,
                        sender_name=sender_name[:100],
                        message=message[:500],
                        send_on=send_on,
                        order_id=order_id,
                        order_line_id=order_line_id,
                        unit=unit,
                        issued_by=actor[:200],
                    )
                break
            except IntegrityError:
                if (
                    order_line_id is not None
                    and GiftCard.objects.filter(order_line_id=order_line_id, unit=unit).exists()
                ):
                    raise
                continue  # a code already taken (1 in 2^79): draw again
        else:  # pragma: no cover
            raise RuntimeError("could not draw a free gift card code")
        card = ledger.lock_cards([card.pk])[card.pk]
        ledger.move_card(
            card,
            value,
            kind=Kind.ISSUE,
            actor=actor,
            order_id=order_id,
            order_number=order_number,
            note=note,
        )
    return IssuedCard(card=card, code=code)


def issue_bought(
    *,
    order_id: int,
    order_number: str,
    order_line_id: int,
    unit: int,
    amount: Money,
    purchaser,
    purchaser_email: str,
    details: dict,
) -> GiftCard:
    """A card a paid order bought (one per unit of its line), issued once; its code goes to
    the recipient (or the buyer) through the worker's outbox on the day chosen
    (signals.gift_card_issued). Part of the caller's transaction (the order's, locked)."""
    existing = GiftCard.objects.filter(order_line_id=order_line_id, unit=unit).first()
    if existing is not None:
        return existing
    send_on = None
    if details.get("send_on"):
        try:
            send_on = datetime.date.fromisoformat(details["send_on"])
        except ValueError:
            send_on = None
    recipient = details.get("recipient_email") or purchaser_email
    issued = issue_card(
        amount=amount.amount,
        currency=amount.currency.code,
        actor="shop",
        purchaser=purchaser if purchaser is not None and purchaser.is_authenticated else None,
        purchaser_email=purchaser_email,
        recipient_email=recipient,
        sender_name=details.get("sender_name", ""),
        message=details.get("message", ""),
        send_on=send_on,
        order_id=order_id,
        order_line_id=order_line_id,
        unit=unit,
        order_number=order_number,
        note=f"Bought with order {order_number}",
    )
    signals.gift_card_issued.send(
        sender=GiftCard, card=issued.card, code=issued.code, order_id=order_id
    )
    return issued.card


def disable_card(*, card_id: int, actor: str, reason: str) -> GiftCard:
    """Stop a card being used; what is on it stays on the books until adjusted."""
    with transaction.atomic():
        card = ledger.lock_cards([card_id])[card_id]
        if not card.is_disabled:
            card.is_disabled = True
            card.disabled_reason = reason[:200]
            card.save(update_fields=["is_disabled", "disabled_reason"])
            CartRedemption.objects.filter(gift_card=card).delete()
            ledger.move_card(card, Decimal(0), kind=Kind.ADJUST, actor=actor, note=reason)
        return card


def disable_bought(
    *, order_id: int, line_ids: list[int] | None, everything: bool, actor: str
) -> Decimal:
    """Refunding a gift card's own purchase (its order lines, or the whole order): the cards
    it bought are disabled and what is left on them taken off (an ADJUST entry). Returns how
    much was taken off. The caller holds the order's row lock."""
    cards = GiftCard.objects.filter(order_id=order_id)
    if not everything:
        if not line_ids:
            return Decimal(0)
        cards = cards.filter(order_line_id__in=line_ids)
    ids = list(cards.values_list("pk", flat=True))
    if not ids:
        return Decimal(0)
    return _disable_unspent(ids, actor=actor, reason="Its purchase was refunded.")


def _disable_unspent(ids: list[int], *, actor: str, reason: str) -> Decimal:
    taken = Decimal(0)
    for card in ledger.lock_cards(ids).values():
        card.is_disabled = True
        card.disabled_reason = reason[:200]
        card.save(update_fields=["is_disabled", "disabled_reason"])
        CartRedemption.objects.filter(gift_card=card).delete()
        if card.balance > 0:
            taken += card.balance
            ledger.move_card(card, -card.balance, kind=Kind.ADJUST, actor=actor, note=reason)
    return taken


# --- store credit ----------------------------------------------------------------------------


def account_for(*, user, currency: str, lock: bool = False) -> StoreCreditAccount:
    account, _created = StoreCreditAccount.objects.get_or_create(user=user, currency=currency)
    if lock:
        account = ledger.lock_accounts([account.pk])[account.pk]
    return account


def credit_customer(
    *, user, amount: Decimal, currency: str, actor: str, reason: str, expires_at=None
) -> LedgerEntry:
    """Staff credit a customer's account; a reason is required."""
    if not reason.strip():
        raise GiftCardError(_("Say why the credit is given."), GiftCardErrorCode.INVALID_AMOUNT)
    value = _check_amount(amount, currency)
    with transaction.atomic():
        account = account_for(user=user, currency=currency, lock=True)
        return ledger.grant_credit(
            account, value, kind=Kind.ADJUST, actor=actor, reason=reason, expires_at=expires_at
        )


# --- at checkout: what is applied to a cart ----------------------------------------------------


def _too_many_lookups(idents: dict[str, str]) -> bool:
    limit, window = ratelimits.parse_rate(settings.GIFT_CARD_LOOKUP_RATE)
    refused = False
    for scope, ident in idents.items():
        if not ident:
            continue
        verdict = ratelimits.hit(
            ratelimits.caller_key(f"giftcard-{scope}", ident), limit=limit, window=window
        )
        refused = refused or not verdict.allowed
    return refused


def find_card(*, code: str, currency: str | None, client_ip: str, session_key: str) -> GiftCard:
    """The usable card with this code, counted against the lookups' rate limit per address and
    per session; otherwise the one refusal ("That gift card cannot be used")."""
    if _too_many_lookups({"ip": client_ip or "unknown", "session": session_key}):
        raise cannot_be_used(GiftCardErrorCode.TOO_MANY_TRIES)
    typed = codes.normalise(code)
    if not codes.is_well_formed(typed):
        raise cannot_be_used()
    card = GiftCard.objects.filter(code_hash=codes.code_hash(typed)).first()
    if card is None or card.is_disabled or card.is_expired():
        raise cannot_be_used()
    if currency is not None and (card.currency != currency or card.balance <= 0):
        raise cannot_be_used()
    return card


def apply_card(
    *, cart, code: str, client_ip: str, session_key: str, actor: str = "shopper"
) -> GiftCard:
    """Apply a card to the cart's checkout. A card is held by one open checkout at a time:
    if another cart held it, that hold is released. Carts of gift cards cannot take one."""
    card = find_card(
        code=code, currency=cart.currency_code, client_ip=client_ip, session_key=session_key
    )
    with transaction.atomic():
        card = ledger.lock_cards([card.pk])[card.pk]
        if not card.usable(cart.currency_code):
            raise cannot_be_used()
        if _buys_gift_cards(cart):
            raise GiftCardError(
                _("Gift cards cannot be used to buy gift cards."),
                GiftCardErrorCode.NOT_FOR_GIFT_CARDS,
            )
        held = CartRedemption.objects.filter(gift_card=card).first()
        if held is not None and held.cart_id == cart.pk:
            return card
        if (
            CartRedemption.objects.filter(cart=cart, gift_card__isnull=False).count()
            >= MAX_CARDS_PER_CHECKOUT
        ):
            raise GiftCardError(
                _("At most %(n)d gift cards can be used on one order.")
                % {"n": MAX_CARDS_PER_CHECKOUT},
                GiftCardErrorCode.TOO_MANY_CARDS,
            )
        if held is not None:
            held.delete()
            ledger.move_card(
                card,
                Decimal(0),
                kind=Kind.RELEASE,
                actor=actor,
                cart_id=held.cart_id,
                note="Applied to another checkout.",
            )
        CartRedemption.objects.create(cart=cart, gift_card=card)
        ledger.move_card(card, Decimal(0), kind=Kind.HOLD, actor=actor, cart_id=cart.pk)
    return card


def remove_card(*, cart, card_id: int, actor: str = "shopper") -> None:
    with transaction.atomic():
        held = CartRedemption.objects.filter(cart=cart, gift_card_id=card_id).first()
        if held is None:
            return
        card = ledger.lock_cards([card_id])[card_id]
        held.delete()
        ledger.move_card(card, Decimal(0), kind=Kind.RELEASE, actor=actor, cart_id=cart.pk)


def use_store_credit(*, cart, user, use: bool) -> None:
    """The shopper chooses to pay with their store credit (in the cart's currency), or not."""
    if not use:
        CartRedemption.objects.filter(cart=cart, account__isnull=False).delete()
        return
    if user is None or not user.is_authenticated:
        raise GiftCardError(_("Sign in to use your store credit."), GiftCardErrorCode.NEEDS_ACCOUNT)
    account = StoreCreditAccount.objects.filter(user=user, currency=cart.currency_code).first()
    if account is None or ledger.available_credit(account) <= 0:
        raise GiftCardError(
            _("You have no store credit to use in %(currency)s.")
            % {"currency": cart.currency_code},
            GiftCardErrorCode.NO_CREDIT,
        )
    CartRedemption.objects.get_or_create(cart=cart, account=account)


def _buys_gift_cards(cart) -> bool:
    return cart.lines.filter(variant__product__is_gift_card=True).exists()


# --- placing, expiring and refunding an order (called by orders, inside its transaction) -----


@dataclass
class Part:
    """What one source pays of an order."""

    label: str
    amount: Money
    gift_card: GiftCard | None = None
    account: StoreCreditAccount | None = None


@dataclass
class Coverage:
    """What the cart's gift cards and store credit pay of `total`, and what is left to pay."""

    total: Money
    parts: list[Part] = field(default_factory=list)
    held_any: bool = False  # something was applied to the cart (used or not)

    @property
    def covered(self) -> Money:
        return sum((p.amount for p in self.parts), money(0, self.total.currency.code))

    @property
    def due(self) -> Money:
        return self.total - self.covered


def _redemptions(cart_id: int):
    return list(
        CartRedemption.objects.filter(cart_id=cart_id).select_related("gift_card", "account")
    )


def lock_for_checkout(*, cart_id: int, order_ids=()) -> set[tuple[str, int]]:
    """Lock, in the lock order, the cards and credit accounts the cart's checkout uses and
    those earlier unpaid orders of the cart took (they are about to be released)."""
    card_ids, account_ids = [], []
    for held in _redemptions(cart_id):
        (card_ids.append(held.gift_card_id) if held.gift_card_id else None)
        (account_ids.append(held.account_id) if held.account_id else None)
    for order_id in order_ids:
        captures = LedgerEntry.objects.filter(order_id=order_id, kind=Kind.CAPTURE)
        card_ids += [c for c in captures.values_list("gift_card_id", flat=True) if c]
        account_ids += [a for a in captures.values_list("account_id", flat=True) if a]
    ledger.lock_cards(card_ids)
    ledger.lock_accounts(account_ids)
    return {("card", pk) for pk in card_ids} | {("account", pk) for pk in account_ids}


def coverage_for(
    *,
    cart,
    total: Money,
    user=None,
    strict: bool = False,
    locked: set | None = None,
    held: list[CartRedemption] | None = None,
) -> Coverage:
    """What the cards (in the order applied) and then the store credit applied to the cart pay
    of `total`. `strict` (placing, under the locks): a card that can no longer pay anything
    (spent, disabled, expired) refuses the checkout instead of being left out. `locked`: what
    `lock_for_checkout` locked; a source applied since (by a racing request) is left out, as
    it is not locked in the lock order."""
    currency = total.currency.code
    coverage = Coverage(total=total)
    left = total.amount
    if held is None:
        # placing with nothing locked: nothing was applied when it looked (one query saved)
        held = [] if locked is not None and not locked else _redemptions(cart.pk)
    held_now = [
        h
        for h in held
        if locked is None
        or (("card", h.gift_card_id) if h.gift_card_id else ("account", h.account_id)) in locked
    ]
    coverage.held_any = bool(held_now)
    for held in held_now:
        if held.gift_card is not None:
            card = held.gift_card
            if not card.usable(currency):
                if strict:
                    raise GiftCardError(
                        _(
                            "Gift card %(card)s can no longer be used; please remove it "
                            "and review your order again."
                        )
                        % {"card": card.label},
                        GiftCardErrorCode.SHORTFALL,
                    )
                continue
            take = min(card.balance, left)
            if take > 0:
                coverage.parts.append(Part(card.label, money(take, currency), gift_card=card))
                left -= take
    for held in held_now:
        account = held.account
        if account is None or account.currency != currency:
            continue
        if user is None or account.user_id != getattr(user, "pk", None):
            continue  # only the signed-in owner's credit pays
        take = min(ledger.available_credit(account), left)
        if take > 0:
            coverage.parts.append(Part(_("Store credit"), money(take, currency), account=account))
            left -= take
    if strict and coverage.parts and _buys_gift_cards(cart):
        raise GiftCardError(
            _("Gift cards cannot be used to buy gift cards."), GiftCardErrorCode.NOT_FOR_GIFT_CARDS
        )
    return coverage


def capture(*, coverage: Coverage, cart_id: int, order_id: int, order_number: str, actor: str):
    """Take each part from its source for the order (CAPTURE entries), under the locks
    `lock_for_checkout` took; the cart's holds are done with."""
    for part in coverage.parts:
        if part.gift_card is not None:
            card = ledger.lock_cards([part.gift_card.pk])[part.gift_card.pk]  # held already
            if card.balance < part.amount.amount:
                raise GiftCardError(
                    _("Gift card %(card)s no longer has enough on it.") % {"card": card.label},
                    GiftCardErrorCode.SHORTFALL,
                )
            ledger.move_card(
                card,
                -part.amount.amount,
                kind=Kind.CAPTURE,
                actor=actor,
                order_id=order_id,
                order_number=order_number,
            )
        else:
            account = ledger.lock_accounts([part.account.pk])[part.account.pk]
            if ledger.available_credit(account) < part.amount.amount:
                raise GiftCardError(
                    _("Your store credit no longer covers this."), GiftCardErrorCode.SHORTFALL
                )
            ledger.debit_account(
                account,
                part.amount.amount,
                kind=Kind.CAPTURE,
                actor=actor,
                order_id=order_id,
                order_number=order_number,
            )
    if coverage.held_any:
        CartRedemption.objects.filter(cart_id=cart_id).delete()


def release_for_order(*, order_id: int, order_number: str, actor: str) -> Decimal:
    """An unpaid order ended (expired, cancelled): all it took goes back where it came from.
    Safe to call twice. The caller holds the order's row lock."""
    cards, accounts = ledger.sources_of(order_id)
    given = Decimal(0)
    for (source, pk), amount in ledger.taken_by_order(order_id).items():
        given += amount
        _give_back(
            source,
            pk,
            amount,
            cards,
            accounts,
            kind=Kind.RELEASE,
            actor=actor,
            order_id=order_id,
            order_number=order_number,
        )
    return given


def _give_back(source, pk, amount, cards, accounts, **entry) -> None:
    if source == "card":
        ledger.move_card(cards[pk], amount, **entry)
    else:
        grant = ledger.CreditGrant.objects.get(pk=pk)
        ledger.move_grant(accounts[grant.account_id], grant, amount, **entry)


def prepaid_left(*, order_id: int) -> Decimal:
    """What the order's gift cards and store credit paid and has not been given back."""
    return sum(ledger.taken_by_order(order_id).values(), Decimal(0))


def refund_to_sources(
    *,
    order_id: int,
    order_number: str,
    amount: Money,
    actor: str,
    reason: str = "",
    user=None,
) -> list[LedgerEntry]:
    """Give `amount` back to the gift cards and store credit the order was paid with, in the
    order they paid (a card that has expired since: to the buyer's store credit, when they
    have an account). The caller holds the order's row lock."""
    left = quantize(amount.amount, amount.currency.code)
    if left > prepaid_left(order_id=order_id):
        raise GiftCardError(
            _("Only %(left)s was paid with gift cards and store credit.")
            % {"left": prepaid_left(order_id=order_id)},
            GiftCardErrorCode.NOT_REFUNDABLE,
        )
    cards, accounts = ledger.sources_of(order_id)
    entries = []
    entry = {"kind": Kind.REFUND, "actor": actor, "order_id": order_id,
             "order_number": order_number, "note": reason}  # fmt: skip
    expired_part = Decimal(0)
    for (source, pk), taken in ledger.taken_by_order(order_id).items():
        if left <= 0:
            break
        back = min(taken, left)
        left -= back
        if source == "card" and cards[pk].is_expired() and user is not None:
            expired_part += back
            _note_card_part(order_id, pk, back)
            continue
        _give_back(source, pk, back, cards, accounts, **entry)
    if expired_part > 0:
        account = account_for(user=user, currency=amount.currency.code, lock=True)
        entries.append(
            ledger.grant_credit(
                account,
                expired_part,
                kind=Kind.REFUND,
                actor=actor,
                reason=reason or f"Refund of order {order_number} (expired gift card)",
                order_id=order_id,
                order_number=order_number,
            )
        )
    return entries


def _note_card_part(order_id: int, card_id: int, amount: Decimal) -> None:
    """A refunded part of an expired card went to store credit: recorded against the card's
    capture as given back (a REFUND of 0 on the card with a RELEASE-free balance), so that it
    is never given back twice."""
    # The card's balance does not change; its net for the order must. A zero-sum pair keeps
    # the card's rows summing to its balance: +amount then -amount, both naming the order.
    card = GiftCard.objects.get(pk=card_id)
    LedgerEntry.objects.create(
        gift_card=card,
        kind=Kind.REFUND,
        amount=amount,
        currency=card.currency,
        balance_after=card.balance + amount,
        actor="system",
        order_id=order_id,
        note="Counted as given back (to store credit).",
    )
    LedgerEntry.objects.create(
        gift_card=card,
        kind=Kind.EXPIRE,
        amount=-amount,
        currency=card.currency,
        balance_after=card.balance,
        actor="system",
        note="The card had expired: its part went to store credit.",
    )


def refund_to_store_credit(
    *, user, amount: Money, actor: str, reason: str, order_id: int, order_number: str
) -> LedgerEntry:
    """A refund given as store credit (the merchant chose it). The caller holds the order's
    row lock."""
    if user is None:
        raise GiftCardError(
            _("Only orders placed with a customer account can be refunded to store credit."),
            GiftCardErrorCode.NEEDS_ACCOUNT,
        )
    value = _check_amount(amount.amount, amount.currency.code)
    account = account_for(user=user, currency=amount.currency.code, lock=True)
    return ledger.grant_credit(
        account,
        value,
        kind=Kind.REFUND,
        actor=actor,
        reason=reason or f"Refund of order {order_number}",
        order_id=order_id,
        order_number=order_number,
    )


# --- expiry ------------------------------------------------------------------------------------


def expire_due(*, now=None) -> int:
    """Take what is left off expired cards and expired credit grants (EXPIRE entries)."""
    now = now or timezone.now()
    count = 0
    for card_id in GiftCard.objects.filter(expires_at__lte=now, balance__gt=0).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            card = ledger.lock_cards([card_id])[card_id]
            if card.balance > 0 and card.is_expired(now):
                ledger.move_card(card, -card.balance, kind=Kind.EXPIRE, actor="system")
                count += 1
    grants = ledger.CreditGrant.objects.filter(expires_at__lte=now, remaining__gt=0)
    for grant_id, account_id in grants.values_list("pk", "account_id"):
        with transaction.atomic():
            account = ledger.lock_accounts([account_id])[account_id]
            grant = ledger.CreditGrant.objects.get(pk=grant_id)
            if grant.remaining > 0:
                ledger.move_grant(
                    account, grant, -grant.remaining, kind=Kind.EXPIRE, actor="system"
                )
                count += 1
    return count
