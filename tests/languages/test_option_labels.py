"""An option value is a key ("Forest": filter links, CSV files, the API's filters) with a label
per language ("Waldgrün"): pages, the cart, orders and emails show the label, falling back
to the value; links and files keep the value."""

import pytest
from django.utils import translation

from tests.languages.conftest import visible_text

pytestmark = pytest.mark.markets


@pytest.fixture
def mug(german_shop):
    from shop.catalog.models import Variant

    return Variant.objects.get(sku="MUG-1")


def test_a_label_falls_back_to_english_then_to_the_value(db):
    from shop.catalog.models import OptionType, OptionValue

    colour = OptionType.objects.create(code="colour", name="Colour")
    forest = OptionValue.objects.create(option_type=colour, value="forest", label_en="Forest")
    sand = OptionValue.objects.create(option_type=colour, value="Sand")
    rust = OptionValue.objects.create(option_type=colour, value="Rust", label_de="Rost")
    with translation.override("de"):
        assert [v.shown for v in (forest, sand, rust)] == ["Forest", "Sand", "Rost"]
    with translation.override("en"):
        assert [v.shown for v in (forest, sand, rust)] == ["Forest", "Sand", "Rust"]
    assert str(rust) == "Rust"


def test_a_variant_reads_its_values_in_the_active_language(mug):
    from shop.catalog.models import OptionType, OptionValue, Variant
    from shop.catalog.options import set_variant_options

    size = OptionType.objects.create(code="size", name_en="Size", name_de="Größe", position=1)
    large = OptionValue.objects.create(option_type=size, value="L")
    mug.product.option_types.add(size)
    set_variant_options(variant=mug, values=[*OptionValue.objects.filter(value="Forest"), large])
    mug = Variant.objects.get(pk=mug.pk)
    assert mug.options == {"colour": "Forest", "size": "L"}  # the keys: unchanged
    with translation.override("de"):
        assert mug.label == "Waldgrün / L"
    with translation.override("en"):
        assert mug.label == "Forest / L"


def test_a_label_written_later_reaches_the_variants_through_the_option_admin(client, mug):
    """The merchant writes "Waldgrün" on the option's page: its variants read it at once."""
    from shop.catalog.models import OptionType, OptionValue, Variant
    from tests.factories import UserFactory

    OptionValue.objects.filter(value="Forest").update(label_de=None)
    colour = OptionType.objects.get(code="colour")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    forest = OptionValue.objects.get(value="Forest")
    response = client.post(
        f"/admin/catalog/optiontype/{colour.pk}/change/",
        {
            "name_en": "Colour",
            "name_de": "Farbe",
            "code": "colour",
            "display": "swatches",
            "position": "0",
            "values-TOTAL_FORMS": "1",
            "values-INITIAL_FORMS": "1",
            "values-MIN_NUM_FORMS": "0",
            "values-MAX_NUM_FORMS": "1000",
            "values-0-id": forest.pk,
            "values-0-option_type": colour.pk,
            "values-0-value": "Forest",
            "values-0-label_en": "",
            "values-0-label_de": "Tannengrün",
            "values-0-swatch": "#2f5d50",
            "values-0-position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()
    with translation.override("de"):
        assert Variant.objects.get(pk=mug.pk).label == "Tannengrün"


def test_filters_show_the_label_and_link_by_the_value(client, mug):
    page = client.get("/de/c/kitchen/").content.decode()
    assert 'name="o" value="colour:Forest"' in page
    assert "Waldgrün" in visible_text(page)
    filtered = client.get("/de/c/kitchen/", {"o": "colour:Forest"})
    assert [p.slug for p in filtered.context["page"].object_list] == ["mug"]
    chips = [chip["label"] for chip in filtered.context["applied_filters"]]
    assert chips == ["Farbe: Waldgrün"]
    english = client.get("/c/kitchen/", {"o": "colour:Forest"})
    assert [chip["label"] for chip in english.context["applied_filters"]] == ["Colour: Forest"]


def test_the_product_page_offers_the_label(client, mug):
    page = client.get("/de/p/mug/").content.decode()
    assert 'data-label="Waldgrün"' in page
    assert '"label":"Waldgr\\u00fcn"' in page or '"label":"Waldgrün"' in page  # the variant JSON


def test_the_cart_shows_the_label(client, mug):
    client.post("/de/cart/add/", {"variant": mug.pk, "quantity": 1})
    assert "Waldgrün · SKU MUG-1" in visible_text(client.get("/de/cart/").content.decode())
    assert "Forest · SKU MUG-1" in visible_text(client.get("/cart/").content.decode())


def test_the_api_names_each_value_in_the_answers_language(client, mug):
    product = client.get("/api/v1/products/mug", HTTP_ACCEPT_LANGUAGE="de").json()
    (colour,) = product["options"]
    assert colour["values"][0] | {"id": 0} == {
        "id": 0,
        "value": "Forest",
        "label": "Waldgrün",
        "swatch": "#2f5d50",
    }
    assert product["variants"][0]["label"] == "Waldgrün"
    listed = client.get("/api/v1/products", {"o": "colour:Forest"}, HTTP_ACCEPT_LANGUAGE="de")
    facets = listed.json()["facets"]
    assert facets["options"] == {"colour": {"Forest": 1}}
    assert facets["option_labels"] == {"colour": {"Forest": "Waldgrün"}}
    english = client.get("/api/v1/products").json()["facets"]
    assert english["option_labels"] == {"colour": {"Forest": "Forest"}}


def test_csv_files_keep_the_value_whatever_the_language(mug):
    from shop.catalog import csv_io
    from shop.catalog.models import Variant

    with translation.override("de"):
        text = csv_io.export_csv(Variant.objects.filter(pk=mug.pk))
    assert "colour=Forest" in text and "Waldgrün" not in text


@pytest.mark.usefixtures("require_postgres")
def test_search_finds_a_colour_by_its_label(client, mug):
    page = client.get("/de/search/", {"q": "waldgrün"})
    assert [p.slug for p in page.context["page"].object_list] == ["mug"]
