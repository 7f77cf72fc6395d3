"""A promotion's limits hold under concurrent checkouts (PostgreSQL row locks, real threads)."""

from decimal import Decimal

import pytest

from orders.exceptions import VoucherError
from orders.models import Order
from orders.services.placing import place_order
from promotions.models import Promotion, PromotionTier, PromotionUse
from tests.conftest import ADDRESS, make_cart
from tests.factories import ShippingMethodFactory, VariantFactory
from tests.orders.test_concurrency import _run_at_once

pytestmark = [
    pytest.mark.promotions,
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def default_market(require_postgres):
    """The market exists before the threads start (a flushed database has none, and thirty
    checkouts creating it at once while holding promotion locks would deadlock on it: a
    test's artefact, the migrations make it in a real shop)."""
    from markets.selectors import ensure_default_market

    ensure_default_market()


def _checkouts(carts, shipping, code=""):
    return [
        lambda c=c, i=i: place_order(
            cart=c,
            email=f"buyer{i}@example.com",
            address=ADDRESS,
            shipping_method=shipping,
            checkout_token=f"promo-{code}-{i}",
            voucher_code=code,
        )
        for i, c in enumerate(carts)
    ]


def test_thirty_checkouts_with_a_code_limited_to_five_uses_get_exactly_five(require_postgres):
    shipping = ShippingMethodFactory()
    promotion = Promotion.objects.create(
        name="Five only", code="FIVE", kind="order_tiers", usage_limit=5
    )
    PromotionTier.objects.create(
        promotion=promotion, currency="USD", threshold=0, percent=Decimal("20")
    )
    carts = [make_cart((VariantFactory(stock_on_hand=5), 1)) for _ in range(30)]

    results = _run_at_once(_checkouts(carts, shipping, code="FIVE"))

    placed = [r for r in results if isinstance(r, Order)]
    assert len(placed) == 5, results
    assert sum(isinstance(r, VoucherError) and "used up" in str(r) for r in results) == 25
    assert PromotionUse.objects.filter(promotion=promotion).count() == 5
    assert all(o.discount_total.amount == Decimal("2.00") for o in placed)


def test_thirty_checkouts_on_an_automatic_promotion_limited_to_five_discount_five(
    require_postgres,
):
    shipping = ShippingMethodFactory()
    promotion = Promotion.objects.create(name="First five", kind="order_tiers", usage_limit=5)
    PromotionTier.objects.create(
        promotion=promotion, currency="USD", threshold=0, amount=Decimal("3")
    )
    carts = [make_cart((VariantFactory(stock_on_hand=5), 1)) for _ in range(30)]

    results = _run_at_once(_checkouts(carts, shipping))

    assert all(isinstance(r, Order) for r in results), [
        r for r in results if not isinstance(r, Order)
    ]
    discounted = [r for r in results if r.discount_total.amount == Decimal("3.00")]
    assert len(discounted) == 5
    assert PromotionUse.objects.filter(promotion=promotion).count() == 5
