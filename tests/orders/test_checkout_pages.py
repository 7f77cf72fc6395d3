import pytest
from django.urls import reverse

from orders.models import Order
from shop.catalog.services import set_stock_on_hand
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "email": "guest@example.com",
    "name": "Ada Lovelace",
    "line1": "1 Main St",
    "line2": "",
    "city": "Springfield",
    "postcode": "12345",
    "region": "US-IL",
    "country": "US",
    "phone": "",
}


@pytest.fixture
def cart_with_item(client):
    variant = VariantFactory(stock_on_hand=5)
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
    return variant


def _details(method, **changes):
    return {**DETAILS, "shipping_method": method.pk, **changes}


def test_guest_checks_out_in_three_steps(client, cart_with_item, shipping_method):
    assert client.get(reverse("orders:checkout")).status_code == 200
    response = client.post(reverse("orders:checkout"), _details(shipping_method))
    assert response.url == reverse("orders:review")

    review = client.get(reverse("orders:review"))
    assert "you pay $25.00" in review.content.decode()
    token = review.context["form"].initial["checkout_token"]

    # The payment page itself is covered with the emulator; here we stop at the redirect.
    response = client.post(reverse("orders:review"), {"checkout_token": token})
    order = Order.objects.get()
    assert response.url == reverse("payments:pay", args=[order.number])
    assert order.email == "guest@example.com" and order.user is None

    # A second click on "Pay" finds the same order.
    client.post(reverse("orders:review"), {"checkout_token": token})
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "not-an-email", "valid email"),
        ("email", "", "enter your email"),
        ("name", "   ", "required"),
        ("line1", "", "required"),
        ("postcode", "", "required"),
        ("country", "XX", "valid choice"),
        ("shipping_method", "999999", "choose one of the shipping methods"),
        ("name", "x" * 500, "at most 200"),
    ],
)
def test_bad_details_are_refused_with_a_message(
    client, cart_with_item, shipping_method, field, value, message
):
    response = client.post(reverse("orders:checkout"), _details(shipping_method, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode().lower()
    assert "checkout" not in client.session
    assert Order.objects.count() == 0


def test_review_without_details_goes_back_to_the_form(client, cart_with_item):
    assert client.get(reverse("orders:review")).url == reverse("orders:checkout")


def test_checkout_with_an_empty_cart_goes_to_the_cart(client):
    assert client.get(reverse("orders:checkout")).url == reverse("cart:detail")


def test_sold_out_between_review_and_pay_is_explained(client, cart_with_item, shipping_method):
    client.post(reverse("orders:checkout"), _details(shipping_method))
    token = client.get(reverse("orders:review")).context["form"].initial["checkout_token"]
    set_stock_on_hand(variant_id=cart_with_item.pk, quantity=1)

    response = client.post(reverse("orders:review"), {"checkout_token": token}, follow=True)

    assert "not enough stock left" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("cart:detail")
    assert Order.objects.count() == 0


def test_signed_in_shopper_gets_their_email_prefilled_and_the_order(client, shipping_method):
    user = UserFactory(email="me@example.com")
    client.force_login(user)
    variant = VariantFactory()
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})

    form = client.get(reverse("orders:checkout")).context["form"]
    assert form.initial["email"] == "me@example.com"
    client.post(reverse("orders:checkout"), _details(shipping_method, email="me@example.com"))
    token = client.get(reverse("orders:review")).context["form"].initial["checkout_token"]
    client.post(reverse("orders:review"), {"checkout_token": token})

    order = Order.objects.get()
    assert order.user == user
    assert client.get(reverse("accounts:orders")).content.decode().count(order.number) >= 1


def test_an_order_is_visible_only_to_whoever_placed_it(client, cart_with_item, shipping_method):
    client.post(reverse("orders:checkout"), _details(shipping_method))
    token = client.get(reverse("orders:review")).context["form"].initial["checkout_token"]
    client.post(reverse("orders:review"), {"checkout_token": token})
    order = Order.objects.get()

    assert client.get(order.get_absolute_url()).status_code == 200

    from django.test import Client

    stranger = Client()
    assert stranger.get(order.get_absolute_url()).status_code == 404
    stranger.force_login(UserFactory())
    assert stranger.get(order.get_absolute_url()).status_code == 404
    assert stranger.get(reverse("payments:pay", args=[order.number])).status_code == 404
    assert stranger.get(reverse("orders:detail", args=["NOSUCHNO"])).status_code == 404


def test_an_overdue_order_expires_when_its_page_is_opened(client, cart_with_item, shipping_method):
    from datetime import timedelta

    client.post(reverse("orders:checkout"), _details(shipping_method))
    token = client.get(reverse("orders:review")).context["form"].initial["checkout_token"]
    client.post(reverse("orders:review"), {"checkout_token": token})
    order = Order.objects.get()
    Order.objects.filter(pk=order.pk).update(reservation_expires_at=order.created_at - timedelta(1))

    pay = client.get(reverse("payments:pay", args=[order.number]), follow=True)

    assert "not paid in time" in pay.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    cart_with_item.refresh_from_db()
    assert cart_with_item.stock_reserved == 0


def test_a_method_that_does_not_ship_to_the_country_is_refused(client, cart_with_item):
    from moneyed import Money

    from orders.models import ShippingMethod, ShippingRate

    method = ShippingMethod.objects.create(name="Euro Post", price=Money("5", "USD"))
    ShippingRate.objects.create(method=method, country="DE", price=Money("4", "USD"))

    response = client.post(reverse("orders:checkout"), _details(method, country="US"))

    assert "Euro Post does not ship to United States" in response.content.decode()


def test_review_shows_the_tax_for_the_address(client, cart_with_item, shipping_method):
    from decimal import Decimal

    from orders.models import TaxRate

    TaxRate.objects.create(country="US", region="US-NY", name="Sales tax", rate=Decimal("0.08875"))
    client.post(reverse("orders:checkout"), _details(shipping_method, region="US-NY"))

    body = client.get(reverse("orders:review")).content.decode()

    assert "Sales tax (8.875%)" in body and "$2.22" in body and "you pay $27.22" in body
    assert "Springfield, NY 12345<br>United States</address>" in body


@pytest.mark.parametrize(
    "region, error",
    [
        ("", "Please choose the state."),
        ("New York", "Select a valid choice"),
        ("NY", "Select a valid choice"),
        ("AU-NSW", "Please choose a state of the United States."),
    ],
)
def test_a_us_address_needs_a_state_chosen_from_the_list(
    client, cart_with_item, shipping_method, region, error
):
    response = client.post(reverse("orders:checkout"), _details(shipping_method, region=region))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert "checkout" not in client.session


def test_countries_without_regions_store_none(client, cart_with_item, shipping_method):
    client.post(reverse("orders:checkout"), _details(shipping_method, country="FR", region="US-NY"))

    assert client.session["checkout"]["address"]["region"] == ""


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_cart_and_checkout_pages_are_never_served_from_the_browser_cache(
    client, cart_with_item, shipping_method
):
    cart = client.get(reverse("cart:detail"))
    checkout = client.get(reverse("orders:checkout"))
    client.post(reverse("orders:checkout"), _details(shipping_method))
    review = client.get(reverse("orders:review"))
    client.post(
        reverse("orders:review"),
        {"checkout_token": review.context["form"].initial["checkout_token"]},
    )
    order = client.get(reverse("orders:detail", args=[Order.objects.get().number]))

    assert [_no_store(r) for r in (cart, checkout, review, order)] == [True] * 4
