"""The admin pages a merchant uses every day, and how to reach them: the admin's axe check
(390 and 1280 px) and its phone-width check (390 px) walk ADMIN_PAGES, as the storefront's
walk tests/e2e/pages.py. A new admin page joins both by being added here."""

from __future__ import annotations

from decimal import Decimal

import pytest
from moneyed import Money

from markets.models import Market
from orders.models import Order, Voucher
from shop.catalog.models import Product
from tests.conftest import make_cart, place
from tests.e2e.merchant_kit import paid_order_of_three_lines
from tests.factories import ProductFactory, ProductImageFactory, VariantFactory


@pytest.fixture
def admin_shop(transactional_db, stripe_emulator):
    """A tee in three colours and two sizes with a photo, a voucher, a paid order of three
    lamps and an unpaid one holding two tees."""
    tee = ProductFactory(name="Organic Cotton Tee", slug="tee")
    variants = [
        VariantFactory(
            product=tee,
            sku=f"TEE-{colour[:3].upper()}-{size}",
            options={"colour": colour, "size": size},
            stock_on_hand=4,
        )
        for colour in ["Navy", "Forest", "Sand"]
        for size in ["M", "XL"]
    ]
    ProductImageFactory(product=tee, alt_text="The tee, folded")
    Voucher.objects.create(code="WELCOME10", kind=Voucher.Kind.PERCENTAGE, value=Decimal("10"))
    _promotion()
    place(make_cart((variants[0], 2)), _shipping(), email="later@example.com")
    paid_order_of_three_lines()
    Market.objects.create(
        name="Europe", code="eu", currency="EUR", countries=["AT", "DE"], language="de",
        prices_include_tax=True, exchange_rate=Decimal("0.92"), position=1,
    )  # fmt: skip
    _review(tee)


def _promotion():
    """Spend 50, get 10 % off; spend 100, get 15 %."""
    from promotions.models import Promotion, PromotionTier

    promotion = Promotion.objects.create(name="Spend more, save more", kind="order_tiers")
    for threshold, percent in (("50", "10"), ("100", "15")):
        PromotionTier.objects.create(
            promotion=promotion, currency="USD", threshold=Decimal(threshold),
            percent=Decimal(percent),
        )  # fmt: skip


def _promotion_url() -> str:
    from promotions.models import Promotion

    return f"/admin/promotions/promotion/{Promotion.objects.get().pk}/"


def _review(product):
    """A review waiting for moderation, and one published with the shop's reply."""
    from reviews import services
    from tests.factories import UserFactory

    services.write_review(
        product_id=product.pk, user=UserFactory(), rating=2, title="Shrank in the wash",
        text="Lost a size at 40 degrees.", author_name="Kim",
    )  # fmt: skip
    done = services.write_review(
        product_id=product.pk, user=UserFactory(), rating=5, title="Soft", text="Lovely."
    )
    services.approve(review_id=done.pk, actor="merchant")
    services.reply(review_id=done.pk, text="Thank you!", actor="merchant")


def _shipping():
    from tests.factories import ShippingMethodFactory

    return ShippingMethodFactory(name="Express", price=Money("9.00", "USD"))


def _paid() -> Order:
    return Order.objects.filter(status=Order.Status.PAID).get()


def _order_url() -> str:
    return f"/admin/orders/order/{_paid().pk}/"


def _tee_url() -> str:
    return f"/admin/catalog/product/{Product.objects.get(slug='tee').pk}/"


def _refund_confirmation(page, base):
    order = _paid()
    page.goto(base + f"/admin/orders/order/{order.pk}/refund/")
    page.locator(f"input[name=line_{order.lines.order_by('pk').first().pk}]").fill("1")
    page.get_by_label("Reason").fill("One lamp arrived broken")
    with page.expect_navigation():
        page.get_by_role("button", name="Review the refund").click()


def _suggested_prices(page, base):
    """The stock list's action: every variant chosen, the suggestions page to review."""
    page.goto(base + "/admin/catalog/variant/")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("suggest_prices")
    with page.expect_navigation():
        page.locator("button[name=index]").click()


# name -> how to reach it (signed in as a merchant; `base` is the shop's URL)
ADMIN_PAGES = {
    "admin-index": lambda page, base: page.goto(base + "/admin/"),
    "admin-dashboard": lambda page, base: page.goto(base + "/admin/dashboard/"),
    "admin-orders": lambda page, base: page.goto(base + "/admin/orders/order/"),
    "admin-order": lambda page, base: page.goto(base + f"{_order_url()}change/"),
    "admin-refund": lambda page, base: page.goto(base + f"{_order_url()}refund/"),
    "admin-refund-confirm": _refund_confirmation,
    "admin-products": lambda page, base: page.goto(base + "/admin/catalog/product/"),
    "admin-product": lambda page, base: page.goto(base + f"{_tee_url()}change/"),
    "admin-stock": lambda page, base: page.goto(base + "/admin/catalog/variant/"),
    "admin-vouchers": lambda page, base: page.goto(base + "/admin/orders/voucher/"),
    "admin-promotions": lambda page, base: page.goto(base + "/admin/promotions/promotion/"),
    "admin-promotion": lambda page, base: page.goto(base + f"{_promotion_url()}change/"),
    "admin-promotion-preview": lambda page, base: page.goto(
        base + f"{_promotion_url()}preview/?cart=TEE-NAV-M+6&currency=USD"
    ),
    "admin-reviews": lambda page, base: page.goto(base + "/admin/reviews/review/"),
    "admin-review": lambda page, base: page.goto(base + f"{_review_url()}change/"),
    "admin-stock-alerts": lambda page, base: page.goto(base + "/admin/reminders/stockalert/"),
    "admin-abandoned-carts": lambda page, base: page.goto(base + "/admin/reminders/cartcontact/"),
    "admin-markets": lambda page, base: page.goto(base + "/admin/markets/market/"),
    "admin-suggested-prices": _suggested_prices,
    # values with a label per language; tax names per language; price columns per currency
    "admin-option-type": lambda page, base: page.goto(base + "/admin/catalog/optiontype/add/"),
    "admin-tax-rate": lambda page, base: page.goto(base + "/admin/orders/taxrate/add/"),
    "admin-csv-import": lambda page, base: page.goto(base + "/admin/catalog/variant/import/"),
}  # fmt: skip


def _review_url() -> str:
    from reviews.models import Review

    return f"/admin/reviews/review/{Review.objects.get(title='Soft').pk}/"


# What each page's heading says: the page meant, not a sign-in form or an error in its place.
ADMIN_HEADINGS = {
    "admin-index": "Site administration",
    "admin-dashboard": "Dashboard",
    "admin-orders": "Select order to change",
    "admin-order": "Change order",
    "admin-refund": "Refund order",
    "admin-refund-confirm": "Confirm the refund of order",
    "admin-products": "Select product to change",
    "admin-product": "Change product",
    "admin-stock": "Select variant to change",
    "admin-vouchers": "Select voucher to change",
    "admin-promotions": "Select promotion to change",
    "admin-promotion": "Change promotion",
    "admin-promotion-preview": "Preview: Spend more, save more",
    "admin-reviews": "Select review to change",
    "admin-review": "Change review",
    "admin-stock-alerts": "Select back-in-stock alert to change",
    "admin-abandoned-carts": "Select abandoned cart to change",
    "admin-markets": "Select market to change",
    "admin-suggested-prices": "Review suggested prices",
    "admin-option-type": "Add option type",
    "admin-tax-rate": "Add tax rate",
    "admin-csv-import": "Import products and stock",
}
