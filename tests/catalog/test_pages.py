import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.cart.models import Cart, CartLine
from shop.catalog.models import Product
from tests.factories import CategoryFactory, ProductFactory, ProductImageFactory, VariantFactory

# Also on SQLite, the database of `make run` (`make test-sqlite`).
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_home_lists_published_products_with_cheapest_price(client):
    product = ProductFactory(name="Walnut Board")
    VariantFactory(product=product, price=("30.00", "USD"))
    VariantFactory(product=product, price=("25.50", "USD"))
    ProductFactory(name="Secret Prototype", is_published=False)
    VariantFactory(product__name="Hidden", product__is_published=False)

    response = client.get(reverse("catalog:home"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Walnut Board" in body
    assert "from $25.50" in body
    assert "Secret Prototype" not in body and "Hidden" not in body


def test_category_page_includes_subcategories_and_paginates(client, settings):
    settings.PRODUCTS_PER_PAGE = 2
    parent = CategoryFactory(name="Outdoors", slug="outdoors")
    child = CategoryFactory(name="Camping", slug="camping", parent=parent)
    for name in ["Axe", "Bottle", "Compass"]:
        VariantFactory(product__name=name, product__category=child)

    first = client.get(reverse("catalog:category", args=["outdoors"]))
    second = client.get(reverse("catalog:category", args=["outdoors"]) + "?page=2")
    bogus = client.get(reverse("catalog:category", args=["outdoors"]) + "?page=zzz")

    assert "Axe" in first.content.decode() and "Bottle" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    assert "Compass" in second.content.decode()
    assert bogus.status_code == 200  # a nonsense page number shows the first page
    assert client.get(reverse("catalog:category", args=["nope"])).status_code == 404


def test_product_page_shows_the_chosen_variant_and_its_stock_state(client):
    product = ProductFactory(name="Merino Sweater", slug="merino")
    VariantFactory(product=product, options={"size": "S"}, stock_on_hand=20)
    VariantFactory(product=product, sku="MER-M", options={"size": "M"}, stock_on_hand=2)
    VariantFactory(product=product, options={"size": "L"}, stock_on_hand=0)
    url = reverse("catalog:product", args=["merino"])

    first = client.get(url).content.decode()
    medium = client.get(url, {"variant": "MER-M"}).content.decode()

    assert '<span class="stock in" data-stock>In stock</span>' in first
    assert '<span class="stock low" data-stock>Only 2 left</span>' in medium
    assert "SKU <span data-sku>MER-M</span>" in medium
    assert re.search(r'value="\d+" data-label="L" disabled>', first)
    assert "(sold out)" in first


def test_the_first_variant_in_stock_is_chosen_and_a_sold_out_product_cannot_be_added(client):
    product = ProductFactory(name="Linen Shirt", slug="linen")
    VariantFactory(product=product, options={"size": "S"}, stock_on_hand=0)
    medium = VariantFactory(product=product, options={"size": "M"}, stock_on_hand=3)
    VariantFactory(product__name="Last Lamp", product__slug="lamp", stock_on_hand=0)

    shirt = client.get(reverse("catalog:product", args=["linen"])).content.decode()
    lamp = client.get(reverse("catalog:product", args=["lamp"])).content.decode()

    assert f'name="variant" value="{medium.pk}"' in shirt and "Add to cart" in shirt
    assert re.search(r'data-label="M" checked>', shirt)
    assert 'data-testid="sold-out" disabled>Sold out</button>' in lamp
    assert "Add to cart" not in lamp


def test_unpublished_product_is_404(client):
    VariantFactory(product__slug="draft", product__is_published=False)
    assert client.get(reverse("catalog:product", args=["draft"])).status_code == 404


def test_search_finds_by_name_and_sku_and_says_when_nothing_matches(client):
    VariantFactory(product__name="Cast Iron Skillet", sku="SKILLET-26")
    VariantFactory(product__name="Stoneware Mug")

    by_name = client.get(reverse("catalog:search"), {"q": "skillet"}).content.decode()
    by_sku = client.get(reverse("catalog:search"), {"q": "SKILLET-26"}).content.decode()
    nothing = client.get(reverse("catalog:search"), {"q": "unicorn"}).content.decode()
    empty = client.get(reverse("catalog:search"), {"q": ""})

    assert "Cast Iron Skillet" in by_name and "Stoneware Mug" not in by_name
    assert "Cast Iron Skillet" in by_sku
    assert "No products match" in nothing
    assert empty.status_code == 200


def _catalog(count: int):
    category = CategoryFactory(slug="all")
    for i in range(count):
        product = ProductFactory(category=category, name=f"Thing {i}", slug=f"thing-{i}")
        VariantFactory(product=product, options={"size": "S", "colour": "Sand"})
        VariantFactory(product=product, options={"size": "M", "colour": "Sand"})
        ProductImageFactory(product=product)
    return category


def _queries(client, url) -> int:
    client.get(url)  # the category tree is read once per catalog version, then cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _cart_with(client, count: int) -> None:
    session = client.session
    cart = Cart.objects.create()
    for variant in VariantFactory.create_batch(count):
        CartLine.objects.create(cart=cart, variant=variant, quantity=1)
    session["cart_id"] = cart.pk
    session.save()


@pytest.mark.parametrize(
    "url",
    [
        reverse("catalog:home"),
        reverse("catalog:category", args=["all"]),
        reverse("catalog:search") + "?q=thing",
        reverse("catalog:product", args=["thing-0"]),
        reverse("cart:detail"),
    ],
)
def test_pages_run_a_fixed_number_of_queries(client, url, settings):
    settings.PRODUCTS_PER_PAGE = 60
    _catalog(5)
    _cart_with(client, 5)
    with_5 = _queries(client, url)

    # Ten times the catalog and the cart: the same number of queries.
    for i in range(5, 50):
        product = ProductFactory(category_id=_catalog_id(), name=f"Thing {i}", slug=f"thing-{i}")
        VariantFactory(product=product)
        ProductImageFactory(product=product)
    # ... and the product page's product with more options, variants and photos.
    first = Product.objects.get(slug="thing-0")
    for size in ["L", "XL"]:
        for colour in ["Sand", "Forest", "Charcoal"]:
            VariantFactory(product=first, options={"size": size, "colour": colour})
    for position in range(1, 6):
        ProductImageFactory(product=first, position=position)
    _cart_with(client, 50)
    with_50 = _queries(client, url)

    assert with_5 == with_50
    assert with_50 <= 8


def _catalog_id():
    from shop.catalog.models import Category

    return Category.objects.get(slug="all").pk


def test_choosing_a_combination_that_is_not_made_keeps_the_choice(client):
    from shop.catalog.models import OptionValue

    product = ProductFactory(slug="tee")
    VariantFactory(product=product, sku="TEE-S-F", options={"size": "S", "colour": "Forest"})
    VariantFactory(product=product, sku="TEE-M-F", options={"size": "M", "colour": "Forest"})
    VariantFactory(product=product, sku="TEE-S-S", options={"size": "S", "colour": "Sand"})
    value = {v.value: v.pk for v in OptionValue.objects.all()}
    url = reverse("catalog:choose", args=["tee"])

    exact = client.post(url, {"option_size": value["S"], "option_colour": value["Sand"]})
    nearest = client.post(url, {"option_size": value["M"], "option_colour": value["Sand"]})
    junk = client.post(url, {"option_size": "x", "option_colour": "9" * 30, "quantity": "-5"})

    assert exact["Location"] == "/p/tee/?variant=TEE-S-S&quantity=1"
    # Never another colour than the one chosen: the page says M in Sand is not made.
    assert nearest["Location"] == (
        f"/p/tee/?option_colour={value['Sand']}&option_size={value['M']}&quantity=1"
    )
    page = client.get(nearest["Location"]).content.decode()
    assert "Not made in M / Sand" in page
    assert re.search(rf'value="{value["Sand"]}"[^>]*checked', page)
    assert junk.status_code == 302 and "variant=" in junk["Location"]
