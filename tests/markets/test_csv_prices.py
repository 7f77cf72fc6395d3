"""The product CSV file carries a price column per other currency (`price_EUR`): exported as
set, imported all or nothing, each bad amount reported on its line."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shop.catalog import csv_io
from shop.catalog.models import ProductPrice, Variant, VariantPrice
from tests.factories import CategoryFactory, UserFactory, VariantFactory
from tests.markets.conftest import price_in

pytestmark = [pytest.mark.markets, pytest.mark.django_db]

HEADER = ",".join(csv_io.COLUMNS)


@pytest.fixture
def mugs(eu_market, jp_market):
    kitchen = CategoryFactory(slug="kitchen")
    small = VariantFactory(
        sku="MUG-S", product__name="Mug", product__slug="mug", product__category=kitchen
    )
    large = VariantFactory(sku="MUG-L", product=small.product)
    price_in(small, "EUR", "9.90")
    price_in(small, "JPY", "1500")
    return small, large


def _prices(sku: str) -> dict[str, Decimal]:
    return dict(VariantPrice.objects.filter(variant__sku=sku).values_list("currency", "amount"))


def test_export_has_a_column_per_market_currency(mugs):
    text = csv_io.export_csv(Variant.objects.all())
    header, *rows = text.splitlines()
    assert header == f"{HEADER},price_EUR,price_JPY"
    by_sku = {row.split(",")[0]: row for row in rows}
    assert by_sku["MUG-S"].endswith(",9.90,1500")
    assert by_sku["MUG-L"].endswith(",,")  # sold in neither


def test_export_then_import_changes_nothing(mugs):
    text = csv_io.export_csv(Variant.objects.all())
    result = csv_io.import_csv(text)
    assert result.ok, result.errors
    assert csv_io.export_csv(Variant.objects.all()) == text
    assert _prices("MUG-S") == {"EUR": Decimal("9.90"), "JPY": Decimal("1500")}
    assert _prices("MUG-L") == {}


def test_import_sets_changes_and_takes_away_prices_per_currency(mugs):
    text = "\n".join(
        [
            f"{HEADER},price_eur,price_JPY",
            "MUG-S,Mug,mug,kitchen,,10.00,5,yes,no,yes,11.90,",  # JPY taken away
            "MUG-L,Mug,mug,kitchen,,12.00,5,yes,no,yes,13.9,2000",
        ]
    )
    result = csv_io.import_csv(text)
    assert result.ok, result.errors
    assert _prices("MUG-S") == {"EUR": Decimal("11.90")}
    assert _prices("MUG-L") == {"EUR": Decimal("13.90"), "JPY": Decimal("2000")}
    listed = ProductPrice.objects.get(product__slug="mug", currency="EUR")
    assert (listed.min_price, listed.max_price) == (Decimal("11.90"), Decimal("13.90"))


def test_a_file_without_a_currencys_column_leaves_its_prices(mugs):
    result = csv_io.import_csv(f"{HEADER}\nMUG-S,Mug,mug,kitchen,,10.00,5,yes,no,yes\n")
    assert result.ok
    assert _prices("MUG-S") == {"EUR": Decimal("9.90"), "JPY": Decimal("1500")}


@pytest.mark.parametrize(
    "cells, problem",
    [
        ("nine,", "price_EUR 'nine' is not an amount"),
        ("-1,", "price_EUR '-1' is not an amount"),
        ("NaN,", "price_EUR 'NaN' is not an amount"),
        ("9.999,", "price_EUR 9.999 has more decimals than EUR allows"),
        ("9.90,1500.5", "price_JPY 1500.5 has more decimals than JPY allows"),
    ],
)
def test_a_bad_amount_is_reported_on_its_line_and_nothing_changes(mugs, cells, problem):
    text = "\n".join(
        [
            f"{HEADER},price_EUR,price_JPY",
            "MUG-L,Mug,mug,kitchen,,12.00,7,yes,no,yes,13.90,2000",  # fine on its own
            f"MUG-S,Mug,mug,kitchen,,10.00,5,yes,no,yes,{cells}",
        ]
    )
    result = csv_io.import_csv(text)
    assert [line for line, _ in result.errors] == [3]
    assert problem in result.errors[0][1]
    assert _prices("MUG-L") == {} and Variant.objects.get(sku="MUG-L").stock_on_hand != 7
    assert _prices("MUG-S") == {"EUR": Decimal("9.90"), "JPY": Decimal("1500")}


@pytest.mark.parametrize(
    "column, problem",
    [
        ("price_XYZ", "price_XYZ: 'XYZ' is not a currency code"),
        ("price_USD", "price_USD: the shop's own currency is the price column"),
        ("price_EUR,price_eur", "price_eur: EUR has two columns"),
    ],
)
def test_a_bad_price_column_refuses_the_file(mugs, column, problem, settings):
    settings.SHOP_CURRENCY = "USD"
    result = csv_io.import_csv(f"{HEADER},{column}\nMUG-S,Mug,mug,kitchen,,1,1,yes,no,yes,1,1\n")
    assert len(result.errors) == 1 and result.errors[0][0] == 1
    assert problem in result.errors[0][1]
    assert Variant.objects.get(sku="MUG-S").price.amount != 1


def test_the_admin_explains_the_price_columns_and_reports_a_bad_amount(client, mugs):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:catalog_variant_import")
    assert "price_EUR" in client.get(url).content.decode()
    exported = client.get(reverse("admin:catalog_variant_export")).content.decode()
    assert exported.splitlines()[0].endswith(",price_EUR,price_JPY")
    bad = f"{HEADER},price_EUR\nMUG-S,Mug,mug,kitchen,,3,9,,,,zehn\n".encode()
    page = client.post(url, {"file": SimpleUploadedFile("s.csv", bad)}).content.decode()
    assert "Line 2: price_EUR &#x27;zehn&#x27; is not an amount" in page
    assert _prices("MUG-S")["EUR"] == Decimal("9.90")
