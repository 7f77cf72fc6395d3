"""The cart and checkout: the same services the pages call (shop/cart/services.py,
orders/services.py, orders/totals.py), the same forms to validate what is sent."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.http import QueryDict
from ninja import Field as In
from ninja import Query, Router, Schema, Status

from orders import services as order_services
from orders import totals, vouchers
from orders.countries import COUNTRIES
from orders.exceptions import CheckoutError, VoucherError
from orders.forms import CheckoutForm
from orders.models import ShippingMethod
from shop.api.errors import COMMON, ApiError, ErrorOut, not_found
from shop.api.orders import order_out
from shop.api.schemas import (
    CartIn,
    CartOut,
    CheckoutIn,
    LineIn,
    MoneyOut,
    OrderOut,
    PlaceOrderIn,
    QuantityIn,
    QuoteOut,
    ShippingOptionsOut,
    money_or_none,
)
from shop.cart import services
from shop.cart.exceptions import CartError, CartErrorCode
from shop.cart.models import Cart
from shop.cart.selectors import price_cart

router = Router(tags=["cart and checkout"])

WITH_CONFLICT = {**COMMON, 409: ErrorOut}
TOKEN = {"max_length": 64, "description": "The cart's token, from creating it."}


def _cart(request, token: str) -> Cart:
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


def cart_out(cart: Cart, priced=None) -> dict:
    priced = priced or price_cart(cart)
    return {
        "token": cart.token,
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


def _token(path: str = "/token") -> str:
    return f"$response.body#{path}"


# How a client goes on from one answer to the next (OpenAPI links; schemathesis walks them).
TO_SHIPPING = {
    "operationId": "shipping_methods",
    "parameters": {"token": _token(), "country": "GB"},
}
CART_LINKS = {
    "GetCart": {"operationId": "cart", "parameters": {"token": _token()}},
    "AddLine": {"operationId": "add_line", "parameters": {"token": _token()}},
    "ChangeLine": {
        "operationId": "change_line",
        "parameters": {"token": _token(), "line_id": _token("/lines/0/id")},
    },
    "RemoveLine": {
        "operationId": "remove_line",
        "parameters": {"token": _token(), "line_id": _token("/lines/0/id")},
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
CHECKOUT_BODY = {
    **CHECKOUT_BODY_GB,
    "address": {**CHECKOUT_BODY_GB["address"], "country": "$response.body#/country"},
    "shipping_method_id": "$response.body#/methods/0/id",
}

SHIPPING_LINKS = {
    "Quote": {
        "operationId": "quote",
        "parameters": {"token": _token()},
        "requestBody": CHECKOUT_BODY,
    },
    "PlaceOrder": {
        "operationId": "place_order",
        "parameters": {"token": _token()},
        "requestBody": {**CHECKOUT_BODY, "checkout_token": "linked-checkout"},
    },
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
                        "parameters": {"token": _token()},
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
        cart = services.cart_for_api(user)
        if body and body.merge_from:
            guest = Cart.objects.filter(token=body.merge_from, user__isnull=True).first()
            if not user.is_authenticated or guest is None:
                raise ApiError(
                    422, "unknown_cart", "There is no such guest cart to move in.", "merge_from"
                )
            notes = services.merge_into_user_cart(session_cart_id=guest.pk, user=user)
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
    """Its lines priced from the catalog now, and what stands in the way of checking out."""
    return cart_out(_cart(request, token))


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
    cart = _cart(request, token)
    _add(cart, body)
    return Status(201, cart_out(cart))


@router.patch(
    "/carts/{token}/lines/{line_id}",
    response={200: CartOut, **WITH_CONFLICT},
    summary="Change a line's quantity",
    operation_id="change_line",
)
def change_line(request, token: str, line_id: int, body: QuantityIn):
    cart = _cart(request, token)
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
    cart = _cart(request, token)
    if not 0 < line_id < 2**62:
        raise not_found("That line")
    try:
        services.remove_line(cart=cart, line_id=line_id)
    except CartError:
        raise not_found("That line") from None
    return cart_out(cart)


class Destination(Schema):
    country: str = In(max_length=2, description="ISO 3166-1 alpha-2 code, e.g. GB.")


@router.get(
    "/carts/{token}/shipping-methods",
    response={200: ShippingOptionsOut, **COMMON},
    summary="Shipping methods for an address",
    operation_id="shipping_methods",
    openapi_extra={"responses": {200: {"links": SHIPPING_LINKS}}},
)
def shipping_methods(request, token: str, where: Query[Destination]):
    """What each active method costs to ship this cart to that country (free over its
    threshold), and whether it ships there at all."""
    cart = _cart(request, token)
    if where.country not in dict(COUNTRIES):
        raise ApiError(422, "invalid_choice", "Please choose a country we know.", "country")
    priced = price_cart(cart)
    methods = ShippingMethod.objects.filter(is_active=True).prefetch_related("rates")
    answer = []
    for method in methods:
        ships = method.ships_to(where.country)
        price = method.price_for(country=where.country, goods=priced.subtotal) if ships else None
        answer.append(
            {
                "id": method.pk,
                "name": method.name,
                "description": method.description,
                "price": money_or_none(price),
                "ships": ships and price is not None,
            }
        )
    return {"token": cart.token, "country": where.country, "methods": answer}


def _first_method_to(country: str) -> int | None:
    """The first active shipping method that ships there (the checkout page's first choice)."""
    methods = ShippingMethod.objects.filter(is_active=True).prefetch_related("rates")
    return next((m.pk for m in methods if m.ships_to(country)), None)


# The checkout form's fields, and where they are in the API's body.
FIELDS = {"email": "email", "shipping_method": "shipping_method_id"}


def _checkout(request, token: str, body: CheckoutIn):
    """The cart, the checkout form validated as the pages validate it, and the voucher."""
    cart = _cart(request, token)
    priced = price_cart(cart)
    if priced.is_empty:
        raise ApiError(409, "cart_empty", "Your cart is empty.")
    if priced.blocking_problems:
        raise ApiError(409, "cart_blocked", " ".join(priced.blocking_problems))
    method_id = body.shipping_method_id or _first_method_to(body.address.country)
    data = QueryDict(mutable=True)
    data.update({"email": body.email, "shipping_method": str(method_id or "")})
    data.update(body.address.model_dump())
    form = CheckoutForm(data)
    if not form.is_valid():
        error = ApiError.from_form(form)
        for problem in error.problems:
            name = problem["field"]
            if name is not None:
                problem["field"] = FIELDS.get(name, f"address.{name}")
        raise error
    voucher = None
    if body.voucher_code:
        try:
            voucher = vouchers.find(body.voucher_code)
            vouchers.check(voucher, subtotal=priced.subtotal, email=form.cleaned_data["email"])
        except VoucherError as error:
            raise ApiError(422, "voucher_refused", str(error), "voucher_code") from None
    return cart, priced, form, voucher


@router.post(
    "/carts/{token}/quote",
    response={200: QuoteOut, **WITH_CONFLICT},
    summary="The checkout's totals",
    operation_id="quote",
)
def quote(request, token: str, body: CheckoutIn):
    """What the order would cost with these details (the review page's totals: discount,
    shipping, tax), without placing it."""
    cart, priced, form, voucher = _checkout(request, token, body)
    address = form.address()
    amounts = totals.compute(
        priced=priced,
        shipping_method=form.cleaned_data["shipping_method"],
        country=address["country"],
        region=address["region"],
        voucher=voucher,
    )
    return {
        "cart": cart_out(cart, priced),
        "totals": {
            "subtotal": MoneyOut.of(amounts.subtotal),
            "discount": MoneyOut.of(amounts.discount),
            "shipping": MoneyOut.of(amounts.shipping),
            "tax": MoneyOut.of(amounts.tax),
            "total": MoneyOut.of(amounts.total),
            "tax_name": amounts.tax_name,
            "tax_rate": f"{amounts.tax_rate.normalize():f}",
            "prices_include_tax": amounts.prices_include_tax,
            "shipping_available": amounts.shipping_available,
        },
        "voucher_code": voucher.code if voucher else "",
    }


def _checkout_token(cart: Cart, token: str) -> str:
    """The app's checkout token, scoped to its cart (a token sent for another cart is another
    checkout), in the orders' column."""
    digest = hashlib.sha256(f"{cart.pk}:{token}".encode()).hexdigest()
    return f"api-{digest[:48]}"


@router.post(
    "/carts/{token}/order",
    response={201: OrderOut, **WITH_CONFLICT},
    summary="Place the order",
    operation_id="place_order",
    openapi_extra={
        "responses": {
            201: {
                "links": {
                    "GetOrder": {
                        "operationId": "order",
                        "parameters": {
                            "number": "$response.body#/number",
                            "key": "$response.body#/key",
                        },
                    },
                    "StartPayment": {
                        "operationId": "start_payment",
                        "parameters": {
                            "number": "$response.body#/number",
                            "key": "$response.body#/key",
                        },
                    },
                }
            }
        }
    },
)
def place_order(request, token: str, body: PlaceOrderIn):
    """The order, from the cart, with its stock held until it is paid or the hold runs out.
    Sending the same checkout_token again gives back the same order."""
    cart, _priced, form, _voucher = _checkout(request, token, body)
    try:
        order = order_services.place_order(
            cart=cart,
            email=form.cleaned_data["email"],
            address=form.address(),
            shipping_method=form.cleaned_data["shipping_method"],
            user=request.auth.user,
            checkout_token=_checkout_token(cart, body.checkout_token),
            voucher_code=body.voucher_code,
        )
    except VoucherError as error:
        raise ApiError(422, "voucher_refused", str(error), "voucher_code") from None
    except CheckoutError as error:  # cart_empty, not_shippable, out_of_stock...
        raise ApiError(409, error.code, str(error)) from None
    return Status(201, order_out(order))
