"""Checkout and orders in the API: the cart checked out with the pages' form and services
(orders/forms.py, orders/services.py, orders/totals.py); who may see an order
(orders/selectors.py). Starting its payment is payments' (payments/api.py)."""

from __future__ import annotations

import hashlib

from django.http import Http404, QueryDict
from ninja import Field as In
from ninja import Query, Router, Schema, Status

from giftcards import api as giftcard_api
from giftcards import selectors as giftcard_selectors
from markets.selectors import market_for_country
from orders import checkout as checkout_rules
from orders import selectors
from orders import services as order_services
from orders.countries import COUNTRIES
from orders.exceptions import CheckoutError, VoucherError
from orders.forms import CheckoutForm
from orders.models import Order, ShippingMethod
from orders.schemas import CheckoutIn, OrderOut, PlaceOrderIn, QuoteOut, ShippingOptionsOut
from shop.api.errors import COMMON, WITH_CONFLICT, ApiError, not_found
from shop.api.schemas import MoneyOut, money_or_none
from shop.cart.api import CHECKOUT_BODY_GB, cart_out, find_cart, link_to
from shop.cart.models import Cart
from shop.cart.selectors import price_cart

# Checking out a cart: its routes are under /carts/{token}/, beside the cart's own.
checkout = Router(tags=["cart and checkout"])

CHECKOUT_BODY = {
    **CHECKOUT_BODY_GB,
    "address": {**CHECKOUT_BODY_GB["address"], "country": "$response.body#/country"},
    "shipping_method_id": "$response.body#/methods/0/id",
}

SHIPPING_LINKS = {
    "Quote": {
        "operationId": "quote",
        "parameters": {"token": link_to()},
        "requestBody": CHECKOUT_BODY,
    },
    "PlaceOrder": {
        "operationId": "place_order",
        "parameters": {"token": link_to()},
        "requestBody": {**CHECKOUT_BODY, "checkout_token": "linked-checkout"},
    },
}


class Destination(Schema):
    country: str = In(max_length=2, description="ISO 3166-1 alpha-2 code, e.g. GB.")


@checkout.get(
    "/carts/{token}/shipping-methods",
    response={200: ShippingOptionsOut, **COMMON},
    summary="Shipping methods for an address",
    operation_id="shipping_methods",
    openapi_extra={"responses": {200: {"links": SHIPPING_LINKS}}},
)
def shipping_methods(request, token: str, where: Query[Destination]):
    """What each active method costs to ship this cart to that country (free over its
    threshold), and whether it ships there at all."""
    cart = find_cart(request, token)
    if where.country not in dict(COUNTRIES):
        raise ApiError(422, "invalid_choice", "Please choose a country we know.", "country")
    priced = price_cart(cart)
    methods = ShippingMethod.objects.filter(is_active=True).prefetch_related(
        "rates", "currency_prices"
    )
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


# The checkout form's fields, and where they are in the API's body.
FIELDS = {"email": "email", "shipping_method": "shipping_method_id"}


def _checkout(request, token: str, body: CheckoutIn):
    """The cart, the checkout form validated as the pages validate it, and the voucher."""
    cart = find_cart(request, token)
    try:
        priced = checkout_rules.cart_ready(cart=cart)
    except CheckoutError as error:
        raise ApiError(409, error.code, str(error)) from None
    try:
        checkout_rules.in_address_market(priced=priced, country=body.address.country)
    except CheckoutError as error:
        # Never a silent conversion: the client re-prices the cart in the address's market
        # (GET /carts/{token}?market=<code>), shows the new total, then checks out.
        market = market_for_country(body.address.country)
        raise ApiError(
            409,
            error.code,
            f"{error} (re-price the cart with ?market={market.code})",
            "address.country",
        ) from None
    method_id = body.shipping_method_id
    if not method_id:
        default = checkout_rules.default_shipping_method(country=body.address.country)
        method_id = default.pk if default else None
    data = QueryDict(mutable=True)
    data.update({"email": body.email, "shipping_method": str(method_id or "")})
    data.update(body.address.model_dump())
    form = CheckoutForm(data, currency=priced.subtotal.currency.code)
    if not form.is_valid():
        error = ApiError.from_form(form)
        for problem in error.problems:
            name = problem["field"]
            if name is not None:
                problem["field"] = FIELDS.get(name, f"address.{name}")
        raise error
    try:
        voucher = checkout_rules.applicable_voucher(
            code=body.voucher_code, subtotal=priced.subtotal, email=form.cleaned_data["email"]
        )
    except VoucherError as error:
        raise ApiError(422, "voucher_refused", str(error), "voucher_code") from None
    return cart, priced, form, voucher


@checkout.post(
    "/carts/{token}/quote",
    response={200: QuoteOut, **WITH_CONFLICT},
    summary="The checkout's totals",
    operation_id="quote",
)
def quote(request, token: str, body: CheckoutIn):
    """What the order would cost with these details (the review page's totals: discount,
    shipping, tax), without placing it."""
    cart, priced, form, voucher = _checkout(request, token, body)
    checkout_rules.details_given(
        cart=cart,
        email=form.cleaned_data["email"],
        country=form.cleaned_data["country"],
        marketing_opt_in=body.marketing_opt_in,
        user=request.auth.user,
    )
    try:
        amounts = checkout_rules.totals_for(
            priced=priced,
            shipping_method=form.cleaned_data["shipping_method"],
            address=form.address(),
            voucher=voucher,
            email=form.cleaned_data["email"],
            user=request.auth.user,
        )
    except VoucherError as error:
        raise ApiError(422, "voucher_refused", str(error), "voucher_code") from None
    return {
        "cart": cart_out(cart, priced),
        "totals": {
            "subtotal": MoneyOut.of(amounts.subtotal),
            "discount": MoneyOut.of(amounts.discount),
            "shipping_discount": MoneyOut.of(amounts.shipping_discount or amounts.subtotal * 0),
            "promotions": [_promotion_out(p) for p in amounts.promotions],
            "hints": list(amounts.hints),
            "shipping": MoneyOut.of(amounts.shipping),
            "tax": MoneyOut.of(amounts.tax),
            "total": MoneyOut.of(amounts.total),
            "tax_name": amounts.tax_name,
            "tax_rate": f"{amounts.tax_rate.normalize():f}",
            "prices_include_tax": amounts.prices_include_tax,
            "shipping_available": amounts.shipping_available,
        },
        "voucher_code": voucher.code if voucher else "",
        "prepaid": giftcard_api.parts_out(
            giftcard_selectors.for_checkout(cart=cart, total=amounts.total, user=request.auth.user)
        ),
    }


def _checkout_token(cart: Cart, token: str) -> str:
    """The app's checkout token, scoped to its cart (a token sent for another cart is another
    checkout), in the orders' column."""
    digest = hashlib.sha256(f"{cart.pk}:{token}".encode()).hexdigest()
    return f"api-{digest[:48]}"


@checkout.post(
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


router = Router(tags=["orders"])


def _promotion_out(applied) -> dict:
    return {
        "id": applied.id,
        "name": applied.name,
        "code": applied.code,
        "kind": applied.klass,
        "amount": MoneyOut.of(applied.amount),
    }


def order_out(order: Order) -> dict:
    return {
        "number": order.number,
        "key": selectors.order_key(order),
        "status": order.status,
        "status_text": order.get_status_display(),
        "email": order.email,
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "reservation_expires_at": order.reservation_expires_at,
        "lines": [
            {
                "sku": line.sku,
                "name": _line_name(line),
                "quantity": line.quantity,
                "unit_price": MoneyOut.of(line.unit_price),
                "line_total": MoneyOut.of(line.line_total),
                "discount": MoneyOut.of(line.discount),
            }
            for line in order.lines.all()
        ],
        "subtotal": MoneyOut.of(order.subtotal),
        "discount": MoneyOut.of(order.discount_total),
        "shipping": MoneyOut.of(order.shipping_total),
        "shipping_discount": MoneyOut.of(order.shipping_discount),
        "promotions": [
            {**p, "kind": p.get("class", ""), "amount": MoneyOut.of(p["amount"])}
            for p in order.promotions
        ],
        "tax": MoneyOut.of(order.tax_total),
        "total": MoneyOut.of(order.total),
        "refunded": MoneyOut.of(order.refunded_total),
        "net_paid": MoneyOut.of(order.net_paid),
        "prepaid": MoneyOut.of(order.total - order.amount_due),
        "amount_due": MoneyOut.of(order.amount_due),
        "refunds": [
            {
                "created_at": refund.when,
                "amount": MoneyOut.of(refund.amount),
                "reason": refund.reason,
                "lines": [
                    {"sku": line.sku, "name": _line_name(line), "quantity": units}
                    for units, line in refund.items
                ],
            }
            for refund in selectors.refunds_of(order)
        ],
        "shipping_address": {
            "name": order.shipping_name,
            "line1": order.shipping_line1,
            "line2": order.shipping_line2,
            "city": order.shipping_city,
            "postcode": order.shipping_postcode,
            "region": order.shipping_region,
            "country": order.shipping_country,
            "phone": order.shipping_phone,
        },
        "shipping_method": order.shipping_method_name,
        "currency": order.currency,
        "market": order.market.code if order.market_id else None,
        "payment_method": order.payment_method,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "tracking_url": order.tracking_url,
    }


def _line_name(line) -> str:
    return (
        f"{line.product_name} – {line.variant_label}" if line.variant_label else line.product_name
    )


class OrderKey(Schema):
    key: str = In(
        "",
        max_length=200,
        description="The order's key (from placing it, or its emails' links); not needed by "
        "its signed-in owner.",
    )


def find_order(request, number: str, key: str) -> Order:
    try:
        return selectors.order_for_caller(user=request.auth.user, number=number, key=key)
    except Http404:
        raise not_found("That order") from None


@router.get(
    "/orders/{number}",
    response={200: OrderOut, **COMMON},
    summary="An order and its status",
    operation_id="order",
    openapi_extra={
        "responses": {
            200: {
                "links": {
                    "StartPayment": {
                        "operationId": "start_payment",
                        "parameters": {
                            "number": "$response.body#/number",
                            "key": "$response.body#/key",
                        },
                    }
                }
            }
        }
    },
)
def order(request, number: str, access: Query[OrderKey]):
    """An order, to its signed-in owner or to whoever holds its key (anyone else: 404)."""
    return order_out(checkout_rules.order_as_of_now(order=find_order(request, number, access.key)))
