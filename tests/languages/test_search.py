"""Search in German uses PostgreSQL's german configuration (its stemming) over the German
document, with typos still corrected; English keeps its own. SQLite (`make run`) finds the
German names too."""

import pytest
from django.utils import translation

from shop.catalog.listings import refresh_listings
from shop.catalog.search import search_filter
from shop.catalog.selectors import listed_products

pytestmark = pytest.mark.markets


@pytest.fixture
def blanket(db):
    from tests.factories import CategoryFactory, ProductFactory, VariantFactory

    home = CategoryFactory(name_en="Home", name_de="Wohnen", slug="home")
    product = ProductFactory(
        name_en="Wool Throw Blanket", name_de="Wolldecke", slug="throw", category=home,
        description_en="Lambswool throw.", description_de="Decke aus Lammwolle.",
    )  # fmt: skip
    VariantFactory(product=product, sku="THROW-1")
    mug = ProductFactory(name_en="Stoneware Mug", name_de="Steingutbecher", slug="mug")
    VariantFactory(product=mug, sku="MUG-1")
    refresh_listings(product_ids=[product.pk, mug.pk])
    return product


def _found(query: str, language: str) -> list[str]:
    with translation.override(language):
        match, _rank = search_filter(query)
        return sorted(listed_products().filter(match).values_list("slug", flat=True))


@pytest.mark.parametrize(
    "query, language, slugs",
    [
        ("Wolldecken", "de", ["throw"]),  # a plural: german stemming
        ("wolldeke", "de", ["throw"]),  # a typo, corrected to the catalog's German word
        ("Lammwolle", "de", ["throw"]),
        ("Wohnen", "de", ["throw"]),  # its category's German name
        ("Steingut", "de", ["mug"]),  # the word being typed
        ("blankets", "en", ["throw"]),  # English keeps english stemming
        ("Wolldecke", "en", []),  # and its own document
        ("THROW-1", "de", ["throw"]),  # a SKU in any language
    ],
)
def test_search_speaks_the_page_language(blanket, require_postgres, query, language, slugs):
    assert _found(query, language) == slugs


def test_the_german_search_page_finds_by_german_words(client, blanket, require_postgres):
    page = client.get("/de/search/?q=Wolldecken").content.decode()
    assert "Wolldecke" in page and "/de/p/throw/" in page


def test_search_text_holds_every_language(blanket):
    """What SQLite's FTS5 document and the typo words are made of."""
    blanket.refresh_from_db()
    assert "wolldecke" in blanket.search_text and "blanket" in blanket.search_text


@pytest.mark.sqlite
@pytest.mark.parametrize("query", ["Wolldecke", "Lammwolle", "wolldeke", "Wohnen"])
def test_german_words_find_the_product_on_either_database(blanket, query):
    """PostgreSQL through the German document; SQLite (`make run`) through its FTS5 document
    and typo words, which hold every language's words."""
    assert _found(query, "de") == ["throw"]
