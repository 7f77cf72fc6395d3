import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from moneyed import Money

from orders import services
from orders.exceptions import VoucherError
from orders.models import Order, Voucher, VoucherRedemption
from tests.conftest import ADDRESS, make_cart
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db


def _voucher(**fields):
    return Voucher.objects.create(
        **{"code": "SAVE10", "kind": "percentage", "value": Decimal("10"), **fields}
    )


def _place_with(code, shipping_method, email="buyer@example.com", price="50.00"):
    variant = VariantFactory(price=Money(price, "USD"))
    return services.place_order(
        cart=make_cart((variant, 1)),
        email=email,
        address=ADDRESS,
        shipping_method=shipping_method,
        checkout_token=f"tok-{Order.objects.count()}-{email}",
        voucher_code=code,
    )


def test_a_voucher_takes_its_discount_and_is_recorded(shipping_method):
    _voucher()
    order = _place_with("save10", shipping_method)  # any case
    assert order.discount_total == Money("5.00", "USD")
    assert order.total == Money("50.00", "USD")  # 50 - 5 + 5 shipping
    assert order.voucher_code == "SAVE10"
    assert VoucherRedemption.objects.get().order == order


@pytest.mark.parametrize(
    "fields, code, message",
    [
        ({}, "NOPE", "not valid"),
        ({"is_active": False}, "SAVE10", "not valid"),
        ({"valid_until": timezone.now() - timedelta(days=1)}, "SAVE10", "expired"),
        ({"valid_from": timezone.now() + timedelta(days=1)}, "SAVE10", "not valid yet"),
        ({"minimum_order": Money("80.00", "USD")}, "SAVE10", "at least $80.00"),
        ({"usage_limit": 0}, "SAVE10", "used up"),
        ({}, "x" * 41, "not valid"),
    ],
)
def test_vouchers_that_cannot_be_used_change_nothing(shipping_method, fields, code, message):
    _voucher(**fields)
    variant = VariantFactory(stock_on_hand=5)
    with pytest.raises(VoucherError, match=re.escape(message)):
        services.place_order(
            cart=make_cart((variant, 1)),
            email="a@example.com",
            address=ADDRESS,
            shipping_method=shipping_method,
            checkout_token="t1",
            voucher_code=code,
        )
    assert Order.objects.count() == 0 and VoucherRedemption.objects.count() == 0
    variant.refresh_from_db()
    assert variant.stock_reserved == 0


def test_usage_limits_in_total_and_per_customer(shipping_method):
    _voucher(usage_limit=2, per_customer_limit=1)
    _place_with("SAVE10", shipping_method, email="ann@example.com")
    with pytest.raises(VoucherError, match="already used"):
        _place_with("SAVE10", shipping_method, email="ANN@example.com")
    _place_with("SAVE10", shipping_method, email="bob@example.com")
    with pytest.raises(VoucherError, match="used up"):
        _place_with("SAVE10", shipping_method, email="cat@example.com")


def test_an_expired_order_gives_its_voucher_use_back(shipping_method):
    _voucher(usage_limit=1)
    order = _place_with("SAVE10", shipping_method)
    services.expire_overdue_orders(now=timezone.now() + timedelta(hours=1))
    assert not VoucherRedemption.objects.filter(order=order).exists()
    _place_with("SAVE10", shipping_method, email="next@example.com")


def test_review_page_applies_and_removes_a_code(client, shipping_method):
    _voucher()
    variant = VariantFactory(price=Money("40.00", "USD"))
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    client.post(
        reverse("orders:checkout"),
        {**ADDRESS, "email": "a@example.com", "shipping_method": shipping_method.pk},
    )

    bad = client.post(reverse("orders:apply_voucher"), {"code": "WRONG"}, follow=True)
    # The error sits under the field, which keeps what was typed; no banner at the top.
    field = re.search(r'<input[^>]*name="code"[^>]*>', bad.content.decode()).group(0)
    assert 'value="WRONG"' in field and 'aria-invalid="true"' in field
    assert re.search(r'id="id_code_error"><p>[^<]*not valid', bad.content.decode())
    assert 'class="message error"' not in bad.content.decode()
    empty = client.post(reverse("orders:apply_voucher"), {"code": ""}, follow=True)
    assert "Please enter a discount code" in empty.content.decode()

    good = client.post(reverse("orders:apply_voucher"), {"code": "save10"}, follow=True)
    body = good.content.decode()
    assert "SAVE10 applied" in body and "−$4.00" in body and "you pay $41.00" in body

    token = good.context["form"].initial["checkout_token"]
    client.post(reverse("orders:review"), {"checkout_token": token})
    assert Order.objects.get().discount_total == Money("4.00", "USD")

    client.post(reverse("orders:remove_voucher"))
    assert client.session["checkout"]["voucher"] == ""


def test_a_code_used_up_between_review_and_pay_is_explained(client, shipping_method):
    voucher = _voucher(usage_limit=1)
    variant = VariantFactory()
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    client.post(
        reverse("orders:checkout"),
        {**ADDRESS, "email": "a@example.com", "shipping_method": shipping_method.pk},
    )
    client.post(reverse("orders:apply_voucher"), {"code": "SAVE10"})
    token = client.get(reverse("orders:review")).context["form"].initial["checkout_token"]
    voucher.usage_limit = 0
    voucher.save()

    response = client.post(reverse("orders:review"), {"checkout_token": token}, follow=True)

    assert "used up" in response.content.decode()
    assert Order.objects.count() == 0


def test_a_code_belongs_to_one_checkout_and_is_not_carried_into_the_next(client, shipping_method):
    _voucher()  # no limits: only the checkout decides whether it is applied
    first, second = VariantFactory(price=Money("40.00", "USD")), VariantFactory()
    client.post(reverse("cart:add"), {"variant": first.pk, "quantity": 1})
    client.post(
        reverse("orders:checkout"),
        {**ADDRESS, "email": "a@example.com", "shipping_method": shipping_method.pk},
    )
    applied = client.post(reverse("orders:apply_voucher"), {"code": "SAVE10"}, follow=True)
    token = applied.context["form"].initial["checkout_token"]
    client.post(reverse("orders:review"), {"checkout_token": token})
    order = Order.objects.get()
    services.mark_paid(order_id=order.pk, reference="pi_test", amount=order.total, actor="stripe")

    client.post(reverse("cart:add"), {"variant": second.pk, "quantity": 1})
    review = client.get(reverse("orders:review"))

    assert review.context["voucher"] is None
    assert "SAVE10" not in review.content.decode()
    assert order.discount_total == Money("4.00", "USD")


def test_the_demo_welcome_code_is_once_per_customer(shipping_method):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", "--no-images", stdout=StringIO())
    _place_with("WELCOME10", shipping_method, email="ada@example.com")

    with pytest.raises(VoucherError, match="already used"):
        _place_with("WELCOME10", shipping_method, email="ADA@example.com")
    assert _place_with("WELCOME10", shipping_method, email="bo@example.com").voucher_code
