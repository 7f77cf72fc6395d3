"""Gift cards and store credit in the API: apply and remove them on a cart's checkout, and the
signed-in shopper's balances. The same services and selectors as the pages."""

from __future__ import annotations

from ninja import Router, Status

from giftcards import selectors, services
from giftcards.exceptions import GiftCardError, GiftCardErrorCode
from giftcards.models import CartRedemption
from giftcards.schemas import BalancesOut, CartPrepaidOut, GiftCardCodeIn, StoreCreditIn
from shop.api.auth import signed_in
from shop.api.errors import COMMON, ApiError, not_found
from shop.api.schemas import MoneyOut
from shop.cart.api import find_cart
from shop.ratelimits import client_address

router = Router(tags=["gift cards and store credit"])

# Everything else is a 422 (store credit asked for by a guest too: the value is refused).
STATUS = {GiftCardErrorCode.TOO_MANY_TRIES: 429}


def _refused(error: GiftCardError, field: str | None = None) -> ApiError:
    code = error.code
    if code == GiftCardErrorCode.TOO_MANY_TRIES:  # said as every failure is, coded apart
        return ApiError(429, str(code), str(error), field)
    return ApiError(STATUS.get(code, 422), str(code), str(error), field)


def prepaid_out(cart) -> dict:
    held = CartRedemption.objects.filter(cart=cart).select_related("gift_card")
    return {
        "gift_cards": [
            {
                "id": h.gift_card.pk,
                "last4": h.gift_card.last4,
                "balance": MoneyOut.of(h.gift_card.balance_money),
            }
            for h in held
            if h.gift_card_id
        ],
        "using_store_credit": any(h.account_id for h in held),
    }


def parts_out(prepaid) -> dict:
    """What a checkout's cards and credit pay (orders' quote shows it)."""
    return {
        "parts": [
            {
                "label": str(p.label),
                "amount": MoneyOut.of(p.amount),
                "gift_card_id": p.gift_card.pk if p.gift_card else None,
            }
            for p in prepaid.parts
        ],
        "covered": MoneyOut.of(prepaid.covered),
        "amount_due": MoneyOut.of(prepaid.due),
    }


@router.post(
    "/carts/{token}/gift-cards",
    response={200: CartPrepaidOut, **COMMON},
    summary="Apply a gift card",
    operation_id="apply_gift_card",
)
def apply_gift_card(request, token: str, body: GiftCardCodeIn):
    """Apply a gift card to the cart's checkout (at most 5). A card is held by one checkout at
    a time: applying it here releases it from any other. Every refusal says "That gift card
    cannot be used" (422 `gift_card_cannot_be_used`; 429 after too many tries)."""
    cart = find_cart(request, token)
    try:
        services.apply_card(
            cart=cart,
            code=body.code,
            client_ip=client_address(request),
            session_key=f"cart-{cart.pk}",
        )
    except GiftCardError as error:
        raise _refused(error, "code") from None
    return prepaid_out(cart)


@router.delete(
    "/carts/{token}/gift-cards/{card_id}",
    response={200: CartPrepaidOut, **COMMON},
    summary="Remove a gift card",
    operation_id="remove_gift_card",
)
def remove_gift_card(request, token: str, card_id: int):
    cart = find_cart(request, token)
    if not 0 < card_id < 2**62:
        raise not_found("That gift card")
    services.remove_card(cart=cart, card_id=card_id)
    return prepaid_out(cart)


@router.put(
    "/carts/{token}/store-credit",
    response={200: CartPrepaidOut, **COMMON},
    summary="Use store credit, or not",
    operation_id="use_store_credit",
)
def use_store_credit(request, token: str, body: StoreCreditIn):
    """The signed-in shopper pays with their store credit in the cart's currency, or not."""
    cart = find_cart(request, token)
    try:
        services.use_store_credit(cart=cart, user=request.auth.user, use=body.use)
    except GiftCardError as error:
        raise _refused(error, "use") from None
    return Status(200, prepaid_out(cart))


@router.get(
    "/me/balances",
    response={200: BalancesOut, **COMMON},
    summary="My store credit and gift cards",
    operation_id="my_balances",
)
def my_balances(request):
    user = signed_in(request)
    balances = selectors.balances_of(user)
    return {
        "store_credit": [MoneyOut.of(usable) for _account, usable in balances.credit],
        "gift_cards": [
            {
                "id": card.pk,
                "last4": card.last4,
                "initial": MoneyOut.of(card.initial_money),
                "balance": MoneyOut.of(card.balance_money),
                "expires_at": card.expires_at.isoformat() if card.expires_at else None,
            }
            for card in balances.cards
        ],
    }
