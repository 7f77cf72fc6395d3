"""The cart in the API: the same services the pages call (shop/cart/services.py). Checking
out (shipping methods, the quote, placing the order) is orders' (orders/api.py)."""

from __future__ import annotations

from django.db import transaction
from ninja import Router, Status

from shop.api.errors import COMMON, WITH_CONFLICT, ApiError, not_found
from shop.api.schemas import MoneyOut
from shop.cart import services
from shop.cart.exceptions import CartError, CartErrorCode
from shop.cart.models import Cart
from shop.cart.schemas import CartIn, CartOut, LineIn, QuantityIn
from shop.cart.selectors import price_cart

router = Router(tags=["cart and checkout"])

TOKEN = {"max_length": 64, "description": "The cart's token, from creating it."}


def find_cart(request, token: str) -> Cart:
    """The cart with this token, if the caller may use it: a guest cart to whoever holds the
    token; a signed-in shopper's cart to that shopper only (anyone else: 404)."""
    cart = Cart.objects.filter(token=token[:64]).first() if token else None
    if cart is None:
        raise not_found("That cart")
    if cart.user_id is not None:
        user = request.auth.user
        if not getattr(user, "is_authenticated", False) or user.pk != cart.user_id:
            raise not_found("That cart")
    return cart


def follow_market_param(request, cart: Cart) -> list[str]:
    """A cart asked for with `?market=<code>` is re-priced in that market's currency if it is
    in another (lines not sold there removed); the notes say what changed."""
    market = getattr(request, "market_param", None)
    if market is None:
        return []
    currency = services.market_currency(market)
    notes = services.switch_currency(cart=cart, currency=currency, market_name=market.name)
    cart.currency = currency
    return notes


def cart_out(cart: Cart, priced=None) -> dict:
    priced = priced or price_cart(cart)
    return {
        "token": cart.token,
        "currency": priced.subtotal.currency.code,
        "lines": [
            {
                "id": line.line_id,
                "variant_id": line.variant.pk,
                "sku": line.variant.sku,
                "product_slug": line.variant.product.slug,
                "name": str(line.variant),
                "quantity": line.quantity,
                "unit_price": MoneyOut.of(line.unit_price),
                "line_total": MoneyOut.of(line.line_total),
                "problem": line.problem,
                "blocking": line.blocking,
            }
            for line in priced.lines
        ],
        "quantity": priced.quantity,
        "subtotal": MoneyOut.of(priced.subtotal),
        "can_check_out": priced.can_check_out,
        "problems": priced.problems,
    }


def link_to(path: str = "/token") -> str:
    return f"$response.body#{path}"


# How a client goes on from one answer to the next (OpenAPI links; schemathesis walks them).
TO_SHIPPING = {
    "operationId": "shipping_methods",
    "parameters": {"token": link_to(), "country": "GB"},
}
CART_LINKS = {
    "GetCart": {"operationId": "cart", "parameters": {"token": link_to()}},
    "AddLine": {"operationId": "add_line", "parameters": {"token": link_to()}},
    "ChangeLine": {
        "operationId": "change_line",
        "parameters": {"token": link_to(), "line_id": link_to("/lines/0/id")},
    },
    "RemoveLine": {
        "operationId": "remove_line",
        "parameters": {"token": link_to(), "line_id": link_to("/lines/0/id")},
    },
    "ShippingMethods": TO_SHIPPING,
}
CHECKOUT_BODY_GB = {
    "email": "ada@example.com",
    "address": {
        "name": "Ada Lovelace",
        "line1": "1 High Street",
        "line2": "",
        "city": "London",
        "postcode": "SW1A 1AA",
        "region": "",
        "country": "GB",
        "phone": "",
    },
    "voucher_code": "",
}


@router.post(
    "/carts",
    response={201: CartOut, **WITH_CONFLICT},
    summary="Create a cart",
    operation_id="create_cart",
    openapi_extra={
        "responses": {
            201: {
                "links": {
                    **CART_LINKS,
                    "PlaceOrder": {
                        "operationId": "place_order",
                        "parameters": {"token": link_to()},
                        "requestBody": {**CHECKOUT_BODY_GB, "checkout_token": "quick-checkout"},
                        "x-schemathesis": {"merge_body": False},
                    },
                }
            }
        }
    },
)
def create_cart(request, body: CartIn | None = None):
    """A new guest cart, or a signed-in shopper's own cart (the same one every time), with the
    lines given added, and for a signed-in shopper the guest cart they filled before signing
    in (`merge_from`) moved in. Keep its token: it is the key to the cart. A line that cannot be
    added refuses the whole request, and nothing changes."""
    user = request.auth.user
    notes: list[str] = []
    with transaction.atomic():
        cart = services.cart_for_api(user, market=request.market)
        notes = follow_market_param(request, cart)
        if body and body.merge_from:
            guest = Cart.objects.filter(token=body.merge_from, user__isnull=True).first()
            if not user.is_authenticated or guest is None:
                raise ApiError(
                    422, "unknown_cart", "There is no such guest cart to move in.", "merge_from"
                )
            notes += services.merge_into_user_cart(session_cart_id=guest.pk, user=user)
        for index, line in enumerate(body.lines if body else []):
            _add(cart, line, field=f"lines.{index}.")
    return Status(201, {**cart_out(cart), "notes": notes})


def _add(cart: Cart, line: LineIn, *, field: str = "") -> None:
    try:
        services.add_line(cart=cart, variant_id=line.variant_id, quantity=line.quantity)
    except CartError as error:
        if error.code == CartErrorCode.UNKNOWN_VARIANT:
            raise ApiError(422, "unknown_variant", str(error), f"{field}variant_id") from None
        raise _refused(error, f"{field}quantity") from None


@router.get(
    "/carts/{token}",
    response={200: CartOut, **COMMON},
    summary="A cart, priced now",
    operation_id="cart",
    openapi_extra={"responses": {200: {"links": CART_LINKS}}},
)
def cart(request, token: str):
    """Its lines priced from the catalog now, and what stands in the way of checking out.
    With `?market=<code>`, re-priced in that market's currency first (`notes` say what
    changed); a cart keeps one currency."""
    cart = find_cart(request, token)
    notes = follow_market_param(request, cart)
    return {**cart_out(cart), "notes": notes}


def _refused(error: CartError, field: str | None = None) -> ApiError:
    return ApiError(409, error.code, str(error), field)


@router.post(
    "/carts/{token}/lines",
    response={201: CartOut, **WITH_CONFLICT},
    summary="Add to the cart",
    operation_id="add_line",
    openapi_extra={"responses": {201: {"links": CART_LINKS}}},
)
def add_line(request, token: str, body: LineIn):
    """Units of a variant, summed with what the cart holds of it; refused (409) beyond what can
    be bought now."""
    cart = find_cart(request, token)
    notes = follow_market_param(request, cart)
    _add(cart, body)
    return Status(201, {**cart_out(cart), "notes": notes})


@router.patch(
    "/carts/{token}/lines/{line_id}",
    response={200: CartOut, **WITH_CONFLICT},
    summary="Change a line's quantity",
    operation_id="change_line",
)
def change_line(request, token: str, line_id: int, body: QuantityIn):
    cart = find_cart(request, token)
    if not 0 < line_id < 2**62:
        raise not_found("That line")
    try:
        services.set_quantity(cart=cart, line_id=line_id, quantity=body.quantity)
    except CartError as error:
        if error.code == CartErrorCode.UNKNOWN_LINE:
            raise not_found("That line") from None
        raise _refused(error, "quantity") from None
    return cart_out(cart)


@router.delete(
    "/carts/{token}/lines/{line_id}",
    response={200: CartOut, **COMMON},
    summary="Remove a line",
    operation_id="remove_line",
)
def remove_line(request, token: str, line_id: int):
    cart = find_cart(request, token)
    if not 0 < line_id < 2**62:
        raise not_found("That line")
    try:
        services.remove_line(cart=cart, line_id=line_id)
    except CartError:
        raise not_found("That line") from None
    return cart_out(cart)
