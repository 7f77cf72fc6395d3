"""Reviews and wishlists in a real Chromium: a guest writes a review from the email's link and,
once approved, it is on the product page with the verified-buyer badge; the heart saves and
removes in place with JavaScript, and without it through the card's page. The screenshots
(test-artifacts/engagement/) are the issue's closing note."""

import re

import pytest
from playwright.sync_api import expect

from reviews import services as review_services
from reviews.models import Review
from tests.conftest import ARTIFACTS
from tests.e2e.pages import submit
from tests.engagement import delivered_order
from tests.factories import CategoryFactory, ProductFactory, VariantFactory
from wishlists.models import WishlistItem
from worker import emails
from worker.models import OutboxEmail

pytestmark = [pytest.mark.browser, pytest.mark.engagement]

SHOTS = ARTIFACTS / "engagement"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def kettle(transactional_db):
    category = CategoryFactory(name="Kitchen", slug="kitchen")
    product = ProductFactory(name="Enamel Kettle", slug="kettle", category=category)
    return VariantFactory(product=product, price=("34.00", "USD"), stock_on_hand=6)


def test_a_guest_reviews_from_the_email_and_the_approved_review_shows_verified(
    page, live_server, kettle, mailoutbox, settings
):
    settings.SHOP_URL = live_server.url
    order = delivered_order((kettle, 1), email="guest-buyer@example.com")
    email = OutboxEmail.objects.get(order=order, kind=OutboxEmail.Kind.REVIEW_REQUEST)
    OutboxEmail.objects.filter(pk=email.pk).update(send_after=order.delivered_at)
    assert emails.send_once(outbox_id=email.pk)
    (invitation,) = [m for m in mailoutbox if "How do you like" in m.subject]
    link = next(w for w in invitation.body.split() if "/reviews/order/" in w)

    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(link)
    expect(page.get_by_role("heading", name="Enamel Kettle")).to_be_visible()
    page.get_by_label("5 out of 5 stars").check()
    page.get_by_label("Title").fill("Boils fast, looks great")
    page.get_by_label("Your review", exact=True).fill(
        "Two minutes for a litre on gas. The enamel is thick."
    )
    page.get_by_label("Name shown with your review").fill("Grace")
    _shot(page, "1-review-from-the-email-link")
    submit(page, page.get_by_role("button", name="Publish your review of Enamel Kettle"))
    expect(page.get_by_text("will appear once we have read it")).to_be_visible()
    _shot(page, "2-review-sent")

    review = Review.objects.get()
    assert review.user is None and review.is_verified
    review_services.approve(review_id=review.pk, actor="merchant")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/p/kettle/")
    reviews = page.locator("#reviews")
    expect(reviews.get_by_role("heading", name="Boils fast, looks great")).to_be_visible()
    expect(reviews.get_by_text("Verified buyer", exact=True)).to_be_visible()
    expect(page.get_by_text("Rated 5.0 out of 5").first).to_be_attached()
    _shot(page, "3-published-with-the-verified-badge")


def test_the_heart_toggles_in_place_with_javascript(page, live_server, kettle):
    page.goto(live_server.url + "/c/kitchen/")
    heart = page.get_by_role("button", name="Save Enamel Kettle to wishlist")
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.click()
    expect(heart).to_have_attribute("aria-pressed", "true")
    page.reload()
    heart = page.get_by_role("button", name="Save Enamel Kettle to wishlist")
    expect(heart).to_have_attribute("aria-pressed", "true")  # from the shopper's own list
    page.goto(live_server.url + "/wishlist/")
    expect(page.get_by_role("link", name="Enamel Kettle")).to_be_visible()
    _shot(page, "4-wishlist")
    page.goto(live_server.url + "/p/kettle/")
    big = page.get_by_role("button", name="Save to wishlist")
    expect(big).to_have_attribute("aria-pressed", "true")
    big.click()
    expect(big).to_have_attribute("aria-pressed", "false")
    page.goto(live_server.url + "/wishlist/")
    expect(page.get_by_text("Nothing saved yet.")).to_be_visible()


def test_the_heart_works_without_javascript(browser, live_server, kettle):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/c/kitchen/")
    page.get_by_role("link", name="Save Enamel Kettle to wishlist").click()
    submit(page, page.get_by_role("button", name="Save to wishlist"))
    assert page.url.endswith("/c/kitchen/")
    expect(page.get_by_text("Saved to your wishlist.")).to_be_visible()
    page.goto(live_server.url + "/p/kettle/")
    submit(page, page.get_by_role("button", name="Save to wishlist"))
    expect(page.get_by_text("It is already in your wishlist.")).to_be_visible()
    assert WishlistItem.objects.count() == 0  # a guest's list is in the session
    page.goto(live_server.url + "/wishlist/")
    _shot(page, "5-wishlist-without-javascript")
    submit(page, page.get_by_role("button", name=re.compile(r"^Add to cart\W+Enamel Kettle$")))
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    context.close()
