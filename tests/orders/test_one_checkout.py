"""One checkout (orders/checkout.py): the same cart driven through the pages and through the
API gets the same totals, the same refusals and the same order."""

import html
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from djmoney.money import Money

from orders.models import Order, ShippingRate, Voucher
from shop.api.schemas import MoneyOut
from shop.catalog.services import set_stock_on_hand
from tests.conftest import ADDRESS, checkout_details
from tests.factories import ShippingMethodFactory, VariantFactory

API = "/api/v1"


@pytest.fixture
def shop(db):
    """Two variants, a method that ships only to France (first in the methods' order), a
    standard one that ships anywhere, and two codes: 10% off, and one that needs $500."""
    france_only = ShippingMethodFactory(name="France only", position=0)
    ShippingRate.objects.create(method=france_only, country="FR", price=Money("3.00", "USD"))
    standard = ShippingMethodFactory(name="Standard", position=1)  # $5.00
    Voucher.objects.create(code="TEN", kind=Voucher.Kind.PERCENTAGE, value=10)
    Voucher.objects.create(
        code="BIG", kind=Voucher.Kind.PERCENTAGE, value=10, minimum_order=Money("500", "USD")
    )
    return {
        "lines": [
            (VariantFactory(price=Money("10.00", "USD"), stock_on_hand=5), 2),
            (VariantFactory(price=Money("15.00", "USD"), stock_on_hand=5), 1),
        ],
        "standard": standard,
        "france_only": france_only,
    }


def _post(client, path, body):
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json")


def _api_body(method, **changes) -> dict:
    details = checkout_details(method or ShippingMethodFactory.build(pk=0))
    address = {k: details.get(k, "") for k in ("name", "line1", "line2", "city", "postcode")}
    address |= {"region": "", "country": details["country"], "phone": ""}
    return {
        "email": details["email"],
        "address": address,
        "shipping_method_id": method.pk if method else None,
        "voucher_code": "",
        **changes,
    }


def _amounts(totals) -> dict:
    """The totals as the API writes them, from the review page's Totals or the API's quote."""
    names = ("subtotal", "discount", "shipping", "tax", "total")
    if isinstance(totals, dict):
        return {name: totals[name]["amount"] for name in names}
    return {name: MoneyOut.of(getattr(totals, name))["amount"] for name in names}


def _page_cart(client, lines) -> None:
    for variant, quantity in lines:
        client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": quantity})


def _api_cart(client, lines) -> str:
    body = {"lines": [{"variant_id": v.pk, "quantity": q} for v, q in lines]}
    return _post(client, "/carts", body).json()["token"]


def _page_review(client, method, voucher=""):
    client.post(reverse("orders:checkout"), checkout_details(method))
    if voucher:
        client.post(reverse("orders:apply_voucher"), {"code": voucher})
    return client.get(reverse("orders:review"))


def _order_shape(order: Order) -> dict:
    return {
        "lines": sorted((line.sku, line.quantity, line.line_total) for line in order.lines.all()),
        "totals": (
            order.subtotal,
            order.discount_total,
            order.shipping_total,
            order.tax_total,
            order.total,
        ),
        "voucher": order.voucher_code,
        "method": order.shipping_method_name,
        "country": order.shipping_country,
    }


def test_the_pages_and_the_api_give_the_same_totals_and_the_same_order(shop):
    pages, app = Client(), Client()
    _page_cart(pages, shop["lines"])
    token = _api_cart(app, shop["lines"])

    review = _page_review(pages, shop["standard"], voucher="TEN")
    quote = _post(app, f"/carts/{token}/quote", _api_body(shop["standard"], voucher_code="TEN"))

    assert quote.status_code == 200
    assert _amounts(review.context["totals"]) == _amounts(quote.json()["totals"])
    assert _amounts(quote.json()["totals"])["discount"] == "3.50"

    pages.post(
        reverse("orders:review"),
        {"checkout_token": review.context["form"].initial["checkout_token"]},
    )
    placed = _post(
        app,
        f"/carts/{token}/order",
        _api_body(shop["standard"], voucher_code="TEN", checkout_token=uuid.uuid4().hex[:12]),
    )
    assert placed.status_code == 201
    by_page, by_api = Order.objects.order_by("pk")
    assert _order_shape(by_page) == _order_shape(by_api)
    assert by_api.number == placed.json()["number"]


def test_both_start_with_the_same_shipping_method(shop):
    """The first active method that ships to the country: France only comes first but does
    not ship to the shop's country (US), so both choose Standard (the pages chose France only
    before, the first active method)."""
    pages, app = Client(), Client()
    _page_cart(pages, shop["lines"])
    token = _api_cart(app, shop["lines"])

    form = pages.get(reverse("orders:checkout")).context["form"]
    body = _api_body(None)
    body["address"] |= {k: ADDRESS[k] for k in ("city", "postcode", "region", "country")}
    quote = _post(app, f"/carts/{token}/quote", body)

    assert form.initial["country"] == "US"
    assert form.initial["shipping_method"] == shop["standard"].pk
    assert quote.status_code == 200
    assert quote.json()["totals"]["shipping"]["amount"] == "5.00"


def _page_says(response, message: str) -> bool:
    return message in html.unescape(response.content.decode())


def test_an_empty_cart_is_refused_the_same_way(shop):
    pages, app = Client(), Client()
    token = _api_cart(app, [])

    page = pages.get(reverse("orders:checkout"), follow=True)
    refused = _post(app, f"/carts/{token}/quote", _api_body(shop["standard"]))

    assert refused.status_code == 409
    [error] = refused.json()["errors"]
    assert error["code"] == "cart_empty"
    assert page.redirect_chain[-1][0] == reverse("cart:detail")
    assert _page_says(page, error["message"])


def test_a_voucher_below_its_minimum_is_refused_the_same_way(shop):
    pages, app = Client(), Client()
    _page_cart(pages, shop["lines"])
    token = _api_cart(app, shop["lines"])

    review = _page_review(pages, shop["standard"], voucher="BIG")
    refused = _post(app, f"/carts/{token}/quote", _api_body(shop["standard"], voucher_code="BIG"))

    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert (error["code"], error["field"]) == ("voucher_refused", "voucher_code")
    assert "$500.00" in error["message"]
    assert _page_says(review, error["message"])
    assert review.context["voucher"] is None  # no discount on the page either
    assert review.context["totals"].discount.amount == 0


def test_a_method_that_does_not_ship_to_the_country_is_refused_the_same_way(shop):
    pages, app = Client(), Client()
    _page_cart(pages, shop["lines"])
    token = _api_cart(app, shop["lines"])

    page = pages.post(reverse("orders:checkout"), checkout_details(shop["france_only"]))
    refused = _post(app, f"/carts/{token}/quote", _api_body(shop["france_only"]))

    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["field"] == "shipping_method_id"
    assert "does not ship to" in error["message"]
    assert page.status_code == 200  # the form again, with the same words
    assert _page_says(page, error["message"])


def test_out_of_stock_is_refused_the_same_way(shop):
    pages, app = Client(), Client()
    _page_cart(pages, shop["lines"])
    token = _api_cart(app, shop["lines"])
    review = _page_review(pages, shop["standard"])
    variant, _quantity = shop["lines"][0]
    set_stock_on_hand(variant_id=variant.pk, quantity=1)  # 2 in each cart, 1 left

    page = pages.post(
        reverse("orders:review"),
        {"checkout_token": review.context["form"].initial["checkout_token"]},
        follow=True,
    )
    refused = _post(
        app,
        f"/carts/{token}/order",
        _api_body(shop["standard"], checkout_token=uuid.uuid4().hex[:12]),
    )

    assert refused.status_code == 409
    [error] = refused.json()["errors"]
    assert error["code"] == "out_of_stock"
    assert page.redirect_chain[-1][0] == reverse("cart:detail")
    assert _page_says(page, error["message"])
    assert Order.objects.count() == 0


def test_placing_checks_a_voucher_once_under_its_lock(shop):
    """Placing finds the code locked and checks it once (orders.checkout.applicable_voucher);
    redeeming records the use without finding and checking it again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orders import services
    from shop.cart.models import Cart, CartLine

    Voucher.objects.filter(code="TEN").update(usage_limit=5, per_customer_limit=1)
    cart = Cart.objects.create()
    for variant, quantity in shop["lines"]:
        CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)

    with CaptureQueriesContext(connection) as queries:
        order = services.place_order(
            cart=cart,
            email="ada@example.com",
            address=ADDRESS,
            shipping_method=shop["standard"],
            checkout_token=uuid.uuid4().hex,
            voucher_code="TEN",
        )

    sql = [q["sql"] for q in queries.captured_queries]
    assert order.voucher_code == "TEN"
    assert sum('FROM "orders_voucher"' in s and "FOR UPDATE" in s for s in sql) == 1
    assert sum("COUNT(" in s and "orders_voucherredemption" in s for s in sql) == 2  # both limits
