"""What search engines read: sitemap, robots.txt, canonical links, descriptions, Open Graph,
and a product's JSON-LD in the schema.org shape search engines use."""

import json
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
    png_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hoodie(settings):
    settings.SHOP_URL = "https://shop.example.com"
    category = CategoryFactory(name="Clothing", slug="clothing", description="Everyday clothes.")
    product = ProductFactory(
        name="Fleece Hoodie",
        slug="fleece-hoodie",
        category=category,
        description="Recycled fleece, brushed inside. <b>Warm</b>.",
    )
    VariantFactory(product=product, sku="HOOD-S", options={"size": "S"}, price=("75.00", "USD"))
    VariantFactory(
        product=product,
        sku="HOOD-XL",
        options={"size": "XL"},
        price=("80.00", "USD"),
        stock_on_hand=0,
    )
    ProductImageFactory(product=product, image=ContentFile(png_bytes(), name="hoodie.png"))
    return product


def _json_ld(body: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    return [json.loads(block) for block in blocks]


def test_a_product_page_carries_product_and_breadcrumb_structured_data(client, hoodie):
    body = client.get(reverse("catalog:product", args=["fleece-hoodie"])).content.decode()

    product, crumbs = _json_ld(body)
    assert product["@context"] == "https://schema.org" and product["@type"] == "Product"
    assert product["name"] == "Fleece Hoodie"
    assert product["description"] == "Recycled fleece, brushed inside. Warm."
    assert product["url"] == "https://shop.example.com/p/fleece-hoodie/"
    assert len(product["image"]) == 1
    assert re.fullmatch(
        r"https://shop\.example\.com/media/products/hoodie\w*\.png", product["image"][0]
    )
    offers = product["offers"]
    assert offers["@type"] == "AggregateOffer"
    assert (offers["lowPrice"], offers["highPrice"], offers["priceCurrency"]) == (
        "75.00",
        "80.00",
        "USD",
    )
    assert offers["offerCount"] == 2
    assert [o["availability"] for o in offers["offers"]] == [
        "https://schema.org/InStock",
        "https://schema.org/OutOfStock",
    ]
    assert all(o["@type"] == "Offer" and o["sku"] for o in offers["offers"])
    assert crumbs["@type"] == "BreadcrumbList"
    assert [i["name"] for i in crumbs["itemListElement"]] == ["Home", "Clothing", "Fleece Hoodie"]
    assert [i["position"] for i in crumbs["itemListElement"]] == [1, 2, 3]


def test_pages_have_canonical_links_descriptions_and_open_graph(client, hoodie):
    product = client.get(reverse("catalog:product", args=["fleece-hoodie"]) + "?utm=x")
    category = client.get(reverse("catalog:category", args=["clothing"]) + "?sort=price")
    search = client.get(reverse("catalog:search"), {"q": "hoodie"})

    body = product.content.decode()
    assert '<link rel="canonical" href="https://shop.example.com/p/fleece-hoodie/">' in body
    assert '<meta name="description" content="Recycled fleece, brushed inside. Warm.">' in body
    assert '<meta property="og:type" content="product">' in body
    assert re.search(r'content="https://shop\.example\.com/media/products/hoodie\w*\.png"', body)
    assert 'href="https://shop.example.com/c/clothing/"' in category.content.decode()
    assert '<meta name="robots" content="noindex, follow">' in search.content.decode()


def test_the_sitemap_lists_products_and_categories_with_last_modified(client, hoodie):
    body = client.get("/sitemap.xml").content.decode()

    assert "<loc>https://shop.example.com/p/fleece-hoodie/</loc>" in body
    assert "<loc>https://shop.example.com/c/clothing/</loc>" in body
    assert "<lastmod>" in body


def test_the_sitemap_lists_products_in_a_database_that_lost_its_markets(client, hoodie):
    """A database flushed by an earlier test (or restored without the migration's row) has no
    market until one is asked for: the default market is made again, and its products are
    listed (they failed to be, depending on which test ran before)."""
    from markets.models import Market
    from markets.selectors import forget_cached_markets

    Market.objects.all().delete()
    forget_cached_markets()
    body = client.get("/sitemap.xml").content.decode()

    assert "<loc>https://shop.example.com/p/fleece-hoodie/</loc>" in body


def test_robots_txt_keeps_crawlers_out_of_private_pages(client, hoodie, settings):
    body = client.get("/robots.txt").content.decode()

    for path in ("/admin/", "/cart/", "/checkout/", "/account/", "/accounts/", "/payments/"):
        assert f"Disallow: {path}" in body
    assert "Sitemap: https://shop.example.com/sitemap.xml" in body
