"""The shop's own pages: written by the merchant, shown in the shop's layout, linked from
the footer and the checkout; one not written yet is a 404, never an empty page."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from shop.content import demo
from shop.content.models import Page
from tests.conftest import checkout_details
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db

FIVE = ["contact", "shipping", "returns", "privacy", "terms"]


def test_a_page_is_shown_in_the_shops_layout_with_its_paragraphs_and_links(client):
    Page.objects.create(
        slug="returns",
        title="Returns and refunds",
        body="Send it back within 30 days.\n\nWrite to hello@example.com <b>now</b>.",
    )
    response = client.get("/pages/returns/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Returns and refunds</h1>" in html
    assert "<p>Send it back within 30 days.</p>" in html
    assert '<a href="mailto:hello@example.com">' in html
    assert "&lt;b&gt;now&lt;/b&gt;" in html  # the merchant's text, never markup
    assert 'class="site-header"' in html and 'class="site-footer"' in html


@pytest.mark.parametrize(
    "page",
    [
        None,  # not written
        {"title": "Privacy", "body": "", "is_published": True},  # empty
        {"title": "Privacy", "body": "Draft.", "is_published": False},  # unpublished
    ],
)
def test_a_page_the_merchant_has_not_written_is_a_404(client, page):
    if page:
        Page.objects.create(slug="privacy", **page)
    assert client.get("/pages/privacy/").status_code == 404


def test_the_footer_links_to_the_five_pages_and_the_review_to_terms_and_returns(
    client, shipping_method
):
    html = client.get(reverse("catalog:home")).content.decode()
    for slug in FIVE:
        assert f'href="/pages/{slug}/"' in html

    variant = VariantFactory(stock_on_hand=5)
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    client.post(reverse("orders:checkout"), checkout_details(shipping_method))
    review = client.get(reverse("orders:review")).content.decode()
    assert 'you agree to our <a href="/pages/terms/">terms of sale</a>' in review
    assert '<a href="/pages/returns/">returns policy</a>' in review


def test_the_demo_writes_the_five_pages_once_and_keeps_the_merchants_own():
    Page.objects.create(slug="terms", title="Our terms", body="Mine.")
    assert demo.load() == 4
    assert demo.load() == 0
    assert sorted(Page.objects.values_list("slug", flat=True)) == sorted(FIVE)
    assert Page.objects.get(slug="terms").body == "Mine."


def test_the_demo_command_loads_the_pages(client):
    call_command("load_demo", no_images=True, verbosity=0)
    for slug in FIVE:
        assert client.get(f"/pages/{slug}/").status_code == 200


def test_the_merchant_writes_a_page_in_the_admin_and_it_is_online(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:content_page_add"),
        {
            "title_en": "Shipping",
            "title_de": "Versand",
            "slug": "shipping",
            "body_en": "Free over $100.",
            "body_de": "",  # not written: German shoppers read the English
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "<p>Free over $100.</p>" in client.get("/pages/shipping/").content.decode()
    german = client.get("/de/pages/shipping/").content.decode()
    assert "<h1>Versand</h1>" in german and "<p>Free over $100.</p>" in german
