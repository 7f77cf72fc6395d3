"""The admin's index and sidebar in sections a merchant works through, the machinery last."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _sections(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", caption).strip()
        for caption in re.findall(r"<caption>(.*?)</caption>", html, re.S)
    ]


def test_the_index_puts_the_days_work_first_and_the_machinery_under_system(merchant):
    html = merchant.get(reverse("admin:index")).content.decode()
    main = html[html.index('id="content-main"') :]

    assert _sections(main) == [
        "Orders",
        "Stock and products",
        "Discounts",
        "Gift cards and store credit",
        "Customers",
        "Bringing shoppers back",
        "Shipping and taxes",
        "Markets and currencies",
        "Shop pages",
        "System",
    ]
    work, system = main.split(">System<", 1)
    assert "Orders to ship" in work and "?status__exact=paid" in work
    assert reverse("admin:content_page_changelist") in work  # contact, returns, terms…
    for technical in ["Groups", "Email addresses", "Authenticators", "User sessions",
                      "Outbox emails", "Stripe events"]:  # fmt: skip
        assert technical in system and technical not in work


def test_every_registered_model_stays_reachable_from_the_index(merchant):
    html = merchant.get(reverse("admin:index")).content.decode()

    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert f'href="{url}"' in html, opts.label


def test_an_apps_own_page_is_djangos(merchant):
    page = merchant.get(reverse("admin:app_list", args=["catalog"]))

    assert page.status_code == 200 and _sections(page.content.decode())[-1] == "Catalog"
