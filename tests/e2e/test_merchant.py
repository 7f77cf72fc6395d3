"""A merchant's day in a real Chromium: restock, ship, and the shopper's email; and every
email the shop sends, looked at as HTML."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from moneyed import Money
from playwright.sync_api import expect

from orders import services
from orders.models import Order
from payments.models import Refund
from shop.catalog.models import Variant
from tests.conftest import make_cart, place
from tests.e2e.merchant_kit import paid_order_of_three_lines, screen, sign_in_to_admin
from tests.factories import ShippingMethodFactory, UserFactory, VariantFactory, totp_code
from worker import emails
from worker.models import OutboxEmail

pytestmark = pytest.mark.browser


@pytest.fixture
def paid_order(transactional_db):
    shipping = ShippingMethodFactory(name="Standard", price=Money("5.00", "USD"))
    lamp = VariantFactory(
        product__name="Brass Lamp", sku="LAMP-1", price=Money("80.00", "USD"), stock_on_hand=3
    )
    order = place(make_cart((lamp, 1)), shipping, email="shopper@example.com")
    services.mark_paid(order_id=order.pk, amount=order.total, reference="pi_e2e", actor="t")
    return order


def test_merchant_restocks_and_ships_and_the_shopper_is_emailed(
    page, live_server, paid_order, mailoutbox, shoot
):
    UserFactory(email="mo@example.com", is_staff=True, is_superuser=True)
    base = live_server.url
    page.goto(base + "/admin/")  # the admin signs in through the shop's sign-in, with 2FA
    page.get_by_label("Email").fill("mo@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    shoot("two-factor")
    page.locator("input[name=code]").fill(totp_code())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name=re.compile("Dashboard"))).to_be_visible()

    page.goto(base + "/admin/catalog/variant/")
    row = page.locator("tr", has_text="LAMP-1")
    row.locator("input[name$='-stock_on_hand']").fill("12")
    shoot("stock-list")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Variant.objects.get(sku="LAMP-1").stock_on_hand == 12

    page.goto(base + f"/admin/orders/order/{paid_order.pk}/change/")
    page.locator(".object-tools a", has_text="Mark shipped").click()
    page.get_by_label("Carrier").fill("UPS")
    page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    shoot("ship")
    page.get_by_role("button", name=re.compile("Mark shipped")).click()
    expect(page.locator(".messagelist")).to_contain_text("is shipped; the shopper is emailed")
    shoot("shipped")

    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.SHIPPED
    shipped = [m for m in mailoutbox if "on its way" in m.subject]
    assert len(shipped) == 1 and shipped[0].to == ["shopper@example.com"]
    assert "1Z999AA10123456784" in shipped[0].body

    page.set_content(shipped[0].alternatives[0][0])
    expect(page.get_by_role("link", name="Track your parcel with UPS")).to_have_attribute(
        "href", "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    )
    shoot("shipped-email")

    page.goto(base + "/admin/dashboard/")
    expect(page.get_by_test_id("sales-total")).to_have_text("$85.00")
    shoot("dashboard")


def test_every_email_renders_with_the_shop_look(page, paid_order, shoot, settings):
    """Render one of each kind as the worker would and look at the HTML in Chromium."""
    settings.MERCHANT_EMAILS = ["merchant@example.com"]
    unpaid = place(
        make_cart((Variant.objects.get(sku="LAMP-1"), 1)),
        ShippingMethodFactory(name="Express"),
        email="late@example.com",
    )
    services.expire_overdue_orders(now=timezone.now() + timedelta(hours=1))
    services.mark_shipped(order_id=paid_order.pk, carrier="DHL", tracking_number="JD1", actor="m")
    paid_order.refresh_from_db()
    owed = [
        emails.owe_email(order=paid_order, kind="order_confirmation", reference="look"),
        emails.owe_email(order=paid_order, kind="order_shipped", reference="look"),
        emails.owe_email(
            order=paid_order,
            kind="order_refunded",
            reference="look",
            data={"amount": "20.00", "refunded_total": "20.00", "reason": "A dent."},
        ),
        emails.owe_email(
            order=paid_order, kind="payment_failed", reference="look", data={"message": "Declined"}
        ),
        emails.owe_email(order=unpaid, kind="order_expired", reference="look"),
        emails.owe_low_stock_digest(),
    ]
    for email in owed:
        assert isinstance(email, OutboxEmail)
        message = emails.render(email)
        html = message.alternatives[0][0]
        page.set_content(html)
        expect(page.get_by_text(settings.SHOP_NAME).first).to_be_visible()
        shoot(email.kind)
        assert "{{" not in html and "{%" not in html and "{{" not in message.body
        if email.order_id:
            assert "?key=" in html and email.order.number in message.body
        if email.kind == "order_shipped":
            expect(page.get_by_role("link", name="Track your parcel with DHL")).to_be_visible()


def _sign_in_as_merchant(page, base):
    UserFactory(email="mo@example.com", is_staff=True, is_superuser=True)
    page.goto(base + "/admin/")
    page.get_by_label("Email").fill("mo@example.com")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=code]").fill(totp_code())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name=re.compile("Dashboard"))).to_be_visible()


def test_the_merchant_pages_fit_and_read_like_the_shop(page, live_server, paid_order, shoot):
    """The product page with its options and variants fits 1280 px, the sidebar's sections
    have names of their own, the ship form is aligned, and money reads as on the shop."""
    from shop.catalog.models import Product

    base = live_server.url
    product = Product.objects.get(name="Brass Lamp")
    for size, colour in [("S", "Forest"), ("M", "Forest"), ("L", "Sand"), ("XL", "Sand")]:
        VariantFactory(
            product=product,
            sku=f"LAMP-{size}-{colour[:3].upper()}",
            options={"size": size, "colour": colour},
            price=Money("45.00", "USD"),
        )
    _sign_in_as_merchant(page, base)

    sections = page.locator("#nav-sidebar caption, .app-list caption, #content-main caption")
    names = [n.strip() for n in sections.all_inner_texts()]
    assert names and len(names) == len(set(names)), names

    page.goto(base + f"/admin/catalog/product/{product.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    row = page.locator("tr", has=page.locator("input[value='LAMP-S-FOR']"))
    expect(row.get_by_role("combobox").first).to_have_value(re.compile(r"\d+"))  # a choice
    expect(row.locator("input[name$='-price']")).to_have_value("45.00")
    shoot("product")

    page.goto(base + f"/admin/orders/order/{paid_order.pk}/change/")
    expect(page.locator("body")).to_contain_text("received")
    assert "$ " not in page.locator("body").inner_text()  # "$85.00", never "$ 85.00"
    shoot("order")
    page.locator(".object-tools a", has_text="Mark shipped").click()
    shoot("ship-form")
    labels = page.locator("fieldset.aligned .form-row label")
    inputs = page.locator("fieldset.aligned .form-row input:not([type=hidden])")
    left = {
        round(box["x"])
        for box in inputs.evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())")
    }
    assert labels.count() >= 2 and len(left) == 1, left  # every field starts in one column
    shoot("ship-form")


def test_merchant_refunds_one_item_after_confirming_what_and_to_whom(
    page, live_server, stripe_emulator
):
    """Issue 30: typing 1 for one item chooses that item, and nothing moves until the
    merchant has seen the amount, the card and the shopper, and confirmed."""
    order = paid_order_of_three_lines()
    first = order.lines.order_by("pk").first()
    sign_in_to_admin(page, live_server.url)
    page.goto(live_server.url + f"/admin/orders/order/{order.pk}/")
    page.locator(".object-tools a", has_text="Refund").click()

    page.get_by_label(f"{first.product_name} ({first.variant_label})").fill("1")
    expect(page.get_by_label("Chosen items")).to_be_checked()  # typing chose what it belongs to
    page.get_by_label("Reason").fill("One lamp arrived broken")
    screen(page, "refund-after")
    page.get_by_role("button", name="Review the refund").click()

    expect(page.get_by_test_id("refund-amount")).to_have_text("$80.00")
    expect(page.get_by_test_id("refund-lines")).to_have_text(
        f"1 × {first.product_name} ({first.variant_label}): $80.00"
    )
    expect(page.get_by_test_id("refund-to")).to_contain_text("ada@example.com")
    expect(page.get_by_test_id("refund-payment")).to_contain_text("card ending 4242")
    assert not Refund.objects.exists()
    screen(page, "refund-confirm-after")
    page.get_by_role("button", name="Refund $80.00 through Stripe").click()

    expect(page.locator(".messagelist")).to_contain_text("Refunded $80.00")
    screen(page, "refund-result-after")
    order.refresh_from_db()
    assert order.refunded_total == Money("80.00", "USD")
    assert order.status == Order.Status.PARTIALLY_REFUNDED


def test_a_new_merchant_sets_up_two_factor_and_is_brought_back_to_the_admin(
    page, live_server, transactional_db
):
    """Issue 30: after setting up two-factor on the first admin sign-in the merchant was
    left on the storefront's recovery codes page."""
    UserFactory(email="new@example.com", is_staff=True, is_superuser=True, mfa=False)
    base = live_server.url
    page.goto(base + "/admin/orders/order/?status__exact=paid")
    page.locator("input[name=login]").fill("new@example.com")
    page.locator("input[name=password]").fill("correct horse battery")
    page.locator("main form button[type=submit]").click()
    if page.get_by_role("heading", name="Confirm it is you").count():
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    screen(page, "mfa-after")
    page.get_by_role("link", name="I have saved them: continue to the admin").click()

    expect(page).to_have_url(base + "/admin/orders/order/?status__exact=paid")
    expect(page.get_by_role("heading", name="Select order to change")).to_be_visible()
    screen(page, "mfa-back-in-admin-after")
