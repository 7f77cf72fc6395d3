"""Products and stock as CSV: export, and an import that applies all rows or none."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moneyed import Money

from shop.catalog import csv_io
from shop.catalog.models import Product, Variant
from tests.conftest import make_cart, place
from tests.factories import CategoryFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db

HEADER = ",".join(csv_io.COLUMNS)


@pytest.fixture
def kitchen():
    return CategoryFactory(name="Kitchen", slug="kitchen")


def test_export_then_import_changes_nothing(kitchen):
    VariantFactory(
        product__name="Mug",
        product__slug="mug",
        product__category=kitchen,
        sku="MUG-S",
        options={"size": "S"},
    )
    VariantFactory(sku="PEN-1", price=Money("2.50", "USD"), stock_on_hand=7, allow_backorder=True)
    text = csv_io.export_csv(Variant.objects.all())

    result = csv_io.import_csv(text)

    assert result.ok and (result.created, result.updated) == (0, 2)
    assert csv_io.export_csv(Variant.objects.all()) == text
    assert "MUG-S,Mug,mug" in text and "size=S" in text and "2.50,7,yes,yes,yes" in text


def test_import_creates_products_and_updates_stock_and_prices(kitchen):
    VariantFactory(sku="MUG-S", product__name="Mug", product__slug="mug", stock_on_hand=1)
    text = "\n".join(
        [
            HEADER,
            "MUG-S,Mug,mug,kitchen,size=S,12.00,40,yes,no,yes",
            "BOARD-L,Walnut Board,,kitchen,size=L; wood=walnut,65,3,yes,no,no",
            "EBOOK,Recipes,recipes,kitchen,,9.99,0,no,no,yes",
        ]
    )

    result = csv_io.import_csv(text)

    assert result.ok and (result.created, result.updated) == (2, 1)
    mug = Variant.objects.get(sku="MUG-S")
    assert (mug.stock_on_hand, mug.price) == (40, Money("12.00", "USD"))
    board = Variant.objects.get(sku="BOARD-L")
    assert board.options == {"size": "L", "wood": "walnut"} and board.stock_on_hand == 3
    assert board.product.slug == "walnut-board" and not board.product.is_published
    assert not Variant.objects.get(sku="EBOOK").track_stock


def test_one_bad_row_applies_nothing_and_every_bad_row_is_reported(kitchen):
    VariantFactory(sku="MUG-S", stock_on_hand=1)
    text = "\n".join(
        [
            HEADER,
            "MUG-S,Mug,mug,kitchen,,12.00,40,yes,no,yes",  # fine on its own
            "NEW-1,New,,nowhere,,5,1,yes,no,yes",
            "NEW-2,Newer,,kitchen,,five,1,yes,no,yes",
            "NEW-3,Newest,,kitchen,,5.001,-2,maybe,no,yes",
            "MUG-S,Mug again,mug,kitchen,,1,1,yes,no,yes",
            ",,,,,,,,,",
            "NEW-4,,,kitchen,colour,1,1,yes,no,yes",
        ]
    )

    result = csv_io.import_csv(text)

    lines = dict(result.errors)
    assert sorted(lines) == [3, 4, 5, 6, 8]
    assert "category 'nowhere' does not exist" in lines[3]
    assert "price 'five' is not an amount" in lines[4]
    assert "more decimals than USD allows" in lines[5] and "yes or no" in lines[5]
    assert "also on line 2" in lines[6]
    assert "product is empty" in lines[8] and "options must look like" in lines[8]
    assert Variant.objects.get(sku="MUG-S").stock_on_hand == 1
    assert not Product.objects.filter(name__startswith="New").exists()


def test_stock_below_what_orders_hold_is_refused_with_its_line(kitchen, shipping_method):
    held = VariantFactory(sku="HELD", stock_on_hand=5, product__slug="held")
    place(make_cart((held, 3)), shipping_method)
    text = "\n".join(
        [
            HEADER,
            "OTHER,Other,,kitchen,,1,1,yes,no,yes",
            "HELD,Held,held,kitchen,,10,2,yes,no,yes",
        ]
    )

    result = csv_io.import_csv(text)

    assert result.errors and result.errors[0][0] == 3 and "reserved" in result.errors[0][1]
    assert not Variant.objects.filter(sku="OTHER").exists()  # rolled back with it
    held.refresh_from_db()
    assert held.stock_on_hand == 5


def test_a_file_without_the_needed_columns_is_refused():
    result = csv_io.import_csv("name,price\nMug,1\n")
    assert result.errors == [(1, "the header lacks the column(s) sku, product, stock_on_hand")]


def test_the_admin_imports_exports_and_explains(client, kitchen):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    VariantFactory(sku="MUG-S", stock_on_hand=1)
    url = reverse("admin:catalog_variant_import")

    exported = client.get(reverse("admin:catalog_variant_export"))
    assert exported["Content-Type"] == "text/csv" and b"MUG-S" in exported.content
    assert url in client.get(reverse("admin:catalog_variant_changelist")).content.decode()

    bad = client.post(url, {"file": SimpleUploadedFile("s.csv", b"\xff\xfe\x00garbage")})
    assert "not UTF-8" in bad.content.decode()
    wrong = client.post(
        url, {"file": SimpleUploadedFile("s.csv", f"{HEADER}\nX,,,,,1,1,,,\n".encode())}
    )
    assert "Line 2: product is empty" in wrong.content.decode()
    assert "Nothing was imported" in wrong.content.decode()
    good = client.post(
        url,
        {"file": SimpleUploadedFile("s.csv", f"{HEADER}\nMUG-S,Mug,,kitchen,,3,9,,,\n".encode())},
        follow=True,
    )
    assert "0 variants created, 1 updated" in good.content.decode()
    assert Variant.objects.get(sku="MUG-S").stock_on_hand == 9


def test_only_staff_can_import(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.post(reverse("admin:catalog_variant_import"), {})
    assert response.status_code == 302 and "login" in response.url
