"""The merchant writes each translated field per language in the admin, and the shop's own
admin labels come from the shop's catalog."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.markets


@pytest.fixture
def merchant(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "url_name, fields",
    [
        ("admin:catalog_product_add", ["name_en", "name_de", "description_en", "description_de"]),
        ("admin:catalog_category_add", ["name_en", "name_de", "description_en", "description_de"]),
        (
            "admin:catalog_optiontype_add",
            ["name_en", "name_de", "values-0-value", "values-0-label_en", "values-0-label_de"],
        ),
        ("admin:orders_taxrate_add", ["name_en", "name_de"]),
        ("admin:orders_shippingmethod_add", ["name_en", "name_de", "description_de"]),
        ("admin:content_page_add", ["title_en", "title_de", "body_en", "body_de"]),
    ],
)
def test_the_admin_shows_each_translated_field_per_language(merchant, url_name, fields):
    page = merchant.get(reverse(url_name)).content.decode()
    for field in fields:
        assert f'name="{field}"' in page


def test_a_product_written_in_both_languages_reads_in_each(merchant, german_shop):
    from shop.catalog.models import Category, Product

    response = merchant.post(
        reverse("admin:catalog_product_add"),
        {
            "name_en": "Brass Pen",
            "name_de": "Messingstift",
            "slug": "pen",
            "category": str(Category.objects.get(slug="kitchen").pk),
            "description_en": "Heavy.",
            "description_de": "",  # not written: German reads the English
            "is_published": "on",
            "variants-TOTAL_FORMS": "0",
            "variants-INITIAL_FORMS": "0",
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    pen = Product.objects.get(slug="pen")
    assert (pen.name_en, pen.name_de, pen.description_de) == ("Brass Pen", "Messingstift", None)


def test_a_staff_member_who_chose_german_reads_the_admin_in_german(merchant, db):
    from accounts.models import User

    User.objects.filter(is_staff=True).update(language="de")
    page = merchant.get(reverse("admin:index")).content.decode()
    # The shop's sections (our catalog) and Django's own words (Django's German).
    assert "Bestellungen" in page and "Bestand und Produkte" in page
    assert "Abmelden" in page
    assert '<html lang="de"' in page


def test_the_admin_is_english_for_the_others(merchant):
    page = merchant.get(reverse("admin:index")).content.decode()
    assert "Stock and products" in page and "Bestellungen" not in page


def test_a_product_made_by_code_in_german_still_has_an_english_name(german_shop):
    """The CSV import, run from a German admin, creates products through code: English, the
    language every other falls back to, is never left blank (MODELTRANSLATION_AUTO_POPULATE)."""
    from django.utils import translation

    from shop.catalog.models import Category, Product

    with translation.override("de"):
        pen = Product.objects.create(
            name="Messingstift", slug="pen", category=Category.objects.get(slug="kitchen")
        )
    pen.refresh_from_db()
    assert (pen.name_en, pen.name_de) == ("Messingstift", "Messingstift")
    with translation.override("en"):
        assert pen.name == "Messingstift"
