import re
from decimal import Decimal

import pytest
from django.urls import reverse
from moneyed import Money

from shop.cart.models import Cart, CartLine
from shop.cart.selectors import price_cart
from tests.conftest import checkout_details, make_cart, place
from tests.factories import UserFactory, VariantFactory

# Also on SQLite, the database of `make run` (`make test-sqlite`).
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _add(client, variant_id, quantity):
    return client.post(
        reverse("cart:add"), {"variant": variant_id, "quantity": quantity}, follow=True
    )


def _lines():
    return list(CartLine.objects.values_list("variant_id", "quantity"))


def test_add_change_and_remove_lines(client):
    tee = VariantFactory(price=Money("20.00", "USD"))
    mug = VariantFactory(price=Money("7.50", "USD"))

    _add(client, tee.pk, 2)
    response = _add(client, mug.pk, 1)
    assert "Added 1 × " in response.content.decode()
    assert response.context["priced"].subtotal == Money("47.50", "USD")

    line = CartLine.objects.get(variant=mug)
    client.post(reverse("cart:update", args=[line.pk]), {"quantity": 3})
    assert sorted(_lines()) == sorted([(tee.pk, 2), (mug.pk, 3)])

    client.post(reverse("cart:remove", args=[line.pk]))
    client.post(
        reverse("cart:update", args=[CartLine.objects.get(variant=tee).pk]), {"quantity": 0}
    )
    assert _lines() == []


@pytest.mark.parametrize(
    "quantity, message",
    [
        ("0", "at least 1"),
        ("-3", "at least 1"),
        ("two", "whole number"),
        ("1.5", "whole number"),
        ("", "enter a quantity"),
        ("100000000000000000000", "at most 999"),
        ("11", "only 10"),
    ],
)
def test_bad_quantities_get_a_clear_message_and_change_nothing(client, quantity, message):
    variant = VariantFactory(stock_on_hand=10)
    _add(client, variant.pk, 1)

    response = _add(client, variant.pk, quantity)

    assert message.lower() in response.content.decode().lower()
    assert _lines() == [(variant.pk, 1)]


@pytest.mark.parametrize("variant_id", ["999999", "abc", "-1", ""])
def test_unknown_variants_are_refused(client, variant_id):
    response = _add(client, variant_id, 1)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages and ("not available" in messages[0] or "choose" in messages[0].lower())
    assert _lines() == []


def test_unpublished_variant_cannot_be_added(client):
    variant = VariantFactory(product__is_published=False)
    response = _add(client, variant.pk, 1)
    assert "not available" in response.content.decode()
    assert _lines() == []


def test_adding_beyond_stock_across_two_adds_is_refused(client):
    variant = VariantFactory(stock_on_hand=3)
    _add(client, variant.pk, 2)
    response = _add(client, variant.pk, 2)
    assert "only 3" in response.content.decode().lower()
    assert _lines() == [(variant.pk, 2)]


def test_another_shoppers_line_cannot_be_touched(client):
    theirs = Cart.objects.create()
    line = CartLine.objects.create(cart=theirs, variant=VariantFactory(), quantity=1)
    _add(client, VariantFactory().pk, 1)

    client.post(reverse("cart:update", args=[line.pk]), {"quantity": 5})
    client.post(reverse("cart:remove", args=[line.pk]))

    line.refresh_from_db()
    assert line.quantity == 1


def test_cart_is_repriced_from_the_catalog_every_time(client):
    variant = VariantFactory(price=Money("10.00", "USD"))
    _add(client, variant.pk, 2)
    variant.price = Money("12.00", "USD")
    variant.save()

    response = client.get(reverse("cart:detail"))

    assert response.context["priced"].subtotal == Money("24.00", "USD")


def test_cart_flags_lines_that_can_no_longer_be_bought(client):
    gone = VariantFactory(stock_on_hand=5)
    _add(client, gone.pk, 2)
    gone.product.is_published = False
    gone.product.save()

    priced = client.get(reverse("cart:detail")).context["priced"]

    assert not priced.can_check_out
    assert "no longer sold" in priced.problems[0]
    assert priced.subtotal == Money("0.00", "USD")


def test_signing_in_merges_the_session_cart_capped_at_stock(client):
    user = UserFactory()
    scarce = VariantFactory(stock_on_hand=3)
    plenty = VariantFactory(stock_on_hand=50)
    user_cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=user_cart, variant=scarce, quantity=2)
    _add(client, scarce.pk, 2)
    _add(client, plenty.pk, 4)

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct horse battery"},
        follow=True,
    )

    assert response.status_code == 200
    assert dict(CartLine.objects.filter(cart__user=user).values_list("variant_id", "quantity")) == {
        scarce.pk: 3,
        plenty.pk: 4,
    }
    assert Cart.objects.filter(user__isnull=True).count() == 0
    assert any("Only 3" in str(m) for m in response.context["messages"])


def test_price_cart_totals_are_exact_decimals():
    cart = Cart.objects.create()
    for price in ["0.10", "0.20", "19.99"]:
        CartLine.objects.create(
            cart=cart, variant=VariantFactory(price=Money(price, "USD")), quantity=3
        )
    assert price_cart(cart).subtotal.amount == Decimal("60.87")


def test_adding_to_a_cart_runs_at_most_six_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    variant = VariantFactory(stock_on_hand=50)
    other = VariantFactory(stock_on_hand=50)
    url = reverse("cart:add")
    client.post(url, {"variant": variant.pk, "quantity": 1})  # the cart is created

    for chosen in (variant, other):  # an existing line, then a new one
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                url, {"variant": chosen.pk, "quantity": 1, "product": chosen.product_id}
            )
        assert response.status_code == 302
        assert len(captured) <= 6, [q["sql"][:70] for q in captured]
    from shop.cart.models import CartLine

    assert sorted(CartLine.objects.values_list("quantity", flat=True)) == [1, 2]


def test_messages_nobody_reads_do_not_pile_up(client):
    variant = VariantFactory(stock_on_hand=500)
    for _ in range(30):
        client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})

    shown = [str(m) for m in client.get(reverse("cart:detail")).context["messages"]]
    assert len(shown) == 5 and all("Added 1" in m for m in shown)


def test_each_line_shows_its_own_colour_small_in_the_cart_summaries_and_emails(
    client, shipping_method
):
    """A Sand hoodie shows the Sand photo, as a small rendition, never the original upload
    nor the Forest photo that comes first."""
    from django.core.files.base import ContentFile

    from orders.models import Order
    from shop.catalog.models import OptionValue
    from tests.factories import ProductFactory, ProductImageFactory, png_bytes
    from worker.emails import render
    from worker.models import OutboxEmail

    hoodie = ProductFactory(slug="hoodie")
    VariantFactory(product=hoodie, options={"colour": "Forest"})
    sand = VariantFactory(product=hoodie, options={"colour": "Sand"}, stock_on_hand=5)
    for position, colour in enumerate(["Forest", "Sand"]):
        ProductImageFactory(
            product=hoodie,
            position=position,
            option_value=OptionValue.objects.get(value=colour),
            image=ContentFile(png_bytes((800, 800)), name=f"hoodie-{colour.lower()}.png"),
        )
    client.post(reverse("cart:add"), {"variant": sand.pk, "quantity": 1})
    client.post(reverse("orders:checkout"), checkout_details(shipping_method))

    pages = [
        client.get(reverse(name)).content.decode() for name in ("cart:detail", "orders:review")
    ]
    order = place(make_cart((sand, 1)), shipping_method)
    email = render(
        OutboxEmail.objects.create(order=order, kind="order_confirmation", recipient=order.email)
    )
    html = email.alternatives[0][0]

    for body in [*pages, html]:
        photos = re.findall(r'<img src="([^"]+)"[^>]*alt=""', body)
        assert photos and all("/renditions/products/hoodie-sand/" in p for p in photos), photos
    assert 'src="http' in html  # an email needs the whole address
    # JPEG in the email (some mail programs show no WebP); WebP on the pages.
    assert all(p.endswith(".jpg") for p in re.findall(r'<img src="([^"]+)"[^>]*alt=""', html))
    assert Order.objects.count() == 1
