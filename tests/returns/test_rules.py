"""What may be returned: delivered orders only, within the window, no final sale, never more
units than were bought less those already returned or refunded."""

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from moneyed import Money

from orders import services as order_services
from orders.models import OrderEvent
from returns import rules, services
from returns.exceptions import ReturnError, ReturnErrorCode
from returns.models import ReturnRequest
from tests.conftest import make_cart, place
from tests.returns.conftest import deliver, paid_without_stripe

pytestmark = [pytest.mark.returns, pytest.mark.django_db]


def _ask(order, units, reason, **kwargs):
    return services.request_return(
        order_id=order.pk,
        quantities={order.lines.get().pk: units},
        reason_id=reason.pk,
        actor="shopper",
        **kwargs,
    )


def test_an_order_not_yet_delivered_cannot_be_returned(shipping_method, variant, reason):
    order = paid_without_stripe(place(make_cart((variant, 2)), shipping_method))
    with pytest.raises(ReturnError) as refused:
        _ask(order, 1, reason)
    assert refused.value.code == ReturnErrorCode.NOT_DELIVERED
    assert "cancel" in str(refused.value)
    assert not ReturnRequest.objects.exists()
    assert rules.eligibility(order).error.code == ReturnErrorCode.NOT_DELIVERED


def test_an_unpaid_order_cannot_be_returned(shipping_method, variant, reason):
    order = place(make_cart((variant, 2)), shipping_method)
    with pytest.raises(ReturnError) as refused:
        _ask(order, 1, reason)
    assert refused.value.code == ReturnErrorCode.NOT_DELIVERED


def test_the_window_closes_30_days_after_delivery_unless_staff_override(
    shipping_method, variant, reason
):
    order = deliver(
        paid_without_stripe(place(make_cart((variant, 2)), shipping_method)), days_ago=31
    )
    with pytest.raises(ReturnError) as refused:
        _ask(order, 1, reason)
    assert refused.value.code == ReturnErrorCode.WINDOW_CLOSED
    assert not ReturnRequest.objects.exists()

    request = services.request_return(
        order_id=order.pk,
        quantities={order.lines.get().pk: 1},
        reason_id=reason.pk,
        actor="merchant@example.com",
        override=True,
    )
    assert request.rules_overridden and request.overridden_by == "merchant@example.com"
    logged = order.events.get(kind=OrderEvent.Kind.RETURN_RULES_OVERRIDDEN)
    assert logged.actor == "merchant@example.com"


def test_the_window_is_a_setting(settings, shipping_method, variant, reason):
    settings.RETURN_WINDOW_DAYS = 60
    order = deliver(
        paid_without_stripe(place(make_cart((variant, 2)), shipping_method)), days_ago=31
    )
    assert _ask(order, 1, reason).status == ReturnRequest.Status.REQUESTED


def test_final_sale_products_and_categories_cannot_be_returned(delivered, variant, reason):
    variant.product.final_sale = True
    variant.product.save()
    with pytest.raises(ReturnError) as refused:
        _ask(delivered, 1, reason)
    assert refused.value.code == ReturnErrorCode.FINAL_SALE

    variant.product.final_sale = False
    variant.product.save()
    variant.product.category.final_sale = True
    variant.product.category.save()
    with pytest.raises(ReturnError) as refused:
        _ask(delivered, 1, reason)
    assert refused.value.code == ReturnErrorCode.FINAL_SALE
    assert rules.eligibility(delivered).error.code == ReturnErrorCode.NO_LINES


def test_never_more_units_than_bought_less_already_returned(delivered, reason):
    first = _ask(delivered, 2, reason)
    with pytest.raises(ReturnError) as refused:
        _ask(delivered, 1, reason)
    assert refused.value.code == ReturnErrorCode.TOO_MANY_UNITS

    services.decline(return_id=first.pk, actor="merchant", reason="Worn")
    assert _ask(delivered, 2, reason).status == ReturnRequest.Status.REQUESTED


def test_units_already_refunded_cannot_be_returned(delivered, reason):
    line = delivered.lines.get()
    order_services.record_refund(
        order_id=delivered.pk,
        amount=Money("10.00", "USD"),
        reference="re_1",
        actor="merchant",
        lines={line.pk: 1},
    )
    with pytest.raises(ReturnError) as refused:
        _ask(delivered, 2, reason)
    assert refused.value.code == ReturnErrorCode.TOO_MANY_UNITS
    assert _ask(delivered, 1, reason).lines.get().quantity == 1


@pytest.mark.parametrize("units", [0, -1, 3, "1"])
def test_bad_quantities_are_refused_and_change_nothing(delivered, reason, units):
    with pytest.raises(ReturnError):
        _ask(delivered, units, reason)
    assert not ReturnRequest.objects.exists()


def test_a_line_of_another_order_is_refused(delivered, reason, shipping_method, variant):
    other = place(make_cart((variant, 1)), shipping_method)
    with pytest.raises(ReturnError) as refused:
        services.request_return(
            order_id=delivered.pk,
            quantities={other.lines.get().pk: 1},
            reason_id=reason.pk,
            actor="shopper",
        )
    assert refused.value.code == ReturnErrorCode.UNKNOWN_LINE


def test_a_reason_is_needed_and_damage_needs_a_photo(delivered, damaged):
    with pytest.raises(ReturnError) as refused:
        services.request_return(
            order_id=delivered.pk,
            quantities={delivered.lines.get().pk: 1},
            reason_id=None,
            actor="shopper",
        )
    assert refused.value.code == ReturnErrorCode.BAD_REASON
    with pytest.raises(ReturnError) as refused:
        _ask(delivered, 1, damaged)
    assert refused.value.code == ReturnErrorCode.PHOTOS_REQUIRED


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.tuples(st.integers(1, 3), st.booleans()), min_size=1, max_size=6))
def test_asked_units_never_exceed_what_was_bought(delivered, reason, steps):
    """Any sequence of asks (some declined afterwards) keeps the open returns' units within
    the 2 bought."""
    ReturnRequest.objects.filter(order=delivered).delete()
    for units, then_decline in steps:
        try:
            request = _ask(delivered, units, reason)
        except ReturnError:
            continue
        if then_decline:
            services.decline(return_id=request.pk, actor="m", reason="no")
    held = sum(
        line.units_held
        for request in ReturnRequest.objects.filter(order=delivered)
        for line in request.lines.all()
    )
    assert held <= 2
