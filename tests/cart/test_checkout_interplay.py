import pytest
from django.urls import reverse

from orders import services
from shop.cart.models import Cart, CartLine
from tests.conftest import ADDRESS, make_cart, place
from tests.factories import ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def test_an_option_of_another_product_is_refused(client):
    mug = ProductFactory(slug="mug")
    VariantFactory(product=mug)
    diamond = VariantFactory(product__name="Diamond")

    response = client.post(
        reverse("cart:add"),
        {"variant": diamond.pk, "quantity": 1, "product": mug.pk, "next": "/p/mug/"},
        follow=True,
    )

    assert "does not belong to this product" in response.content.decode()
    assert not CartLine.objects.exists()


def test_paying_removes_only_what_was_bought(shipping_method):
    tee, mug = VariantFactory(), VariantFactory()
    cart = make_cart((tee, 2))
    order = place(cart, shipping_method)
    CartLine.objects.create(cart=cart, variant=mug, quantity=1)  # added in another tab
    CartLine.objects.filter(cart=cart, variant=tee).update(quantity=3)

    services.mark_paid(order_id=order.pk, amount=order.total, reference="pi", actor="t")

    assert dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity")) == {
        tee.pk: 1,
        mug.pk: 1,
    }
    cart.refresh_from_db()
    assert not cart.in_checkout


def test_a_cart_being_paid_for_is_not_merged_at_sign_in(client, shipping_method):
    user = UserFactory()
    variant = VariantFactory()
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    session_cart = Cart.objects.get()
    services.place_order(
        cart=session_cart,
        email="a@example.com",
        address=ADDRESS,
        shipping_method=shipping_method,
        checkout_token="t",
    )

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct horse battery"},
        follow=True,
    )

    assert Cart.objects.filter(pk=session_cart.pk, user=None).exists()
    assert not CartLine.objects.filter(cart__user=user).exists()
    assert any("kept as it is" in str(m) for m in response.context["messages"])


def test_the_flag_clears_when_the_order_expires(shipping_method):
    from datetime import timedelta

    from django.utils import timezone

    cart = make_cart((VariantFactory(), 1))
    place(cart, shipping_method)
    cart.refresh_from_db()
    assert cart.in_checkout

    services.expire_overdue_orders(now=timezone.now() + timedelta(hours=1))

    cart.refresh_from_db()
    assert not cart.in_checkout
