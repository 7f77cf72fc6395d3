"""`make run`'s demo has a second market, Europe, with its prices set and stored."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from markets.models import Market
from orders.models import ShippingMethod, TaxRate
from shop.catalog.models import ProductPrice, Variant, VariantPrice

pytestmark = [pytest.mark.markets, pytest.mark.django_db]


def test_the_demo_has_europe_with_euro_prices_for_everything():
    call_command("load_demo", "--no-images")
    call_command("load_demo", "--no-images")  # twice: nothing more

    europe = Market.objects.get(code="eu")
    assert (europe.currency, europe.language, europe.prices_include_tax) == ("EUR", "de", True)
    assert {"AT", "DE", "FR", "NL"} <= set(europe.countries)
    assert VariantPrice.objects.count() == Variant.objects.count() > 0
    for price in VariantPrice.objects.select_related("variant"):
        assert price.currency == "EUR"
        assert price.amount % 1 == Decimal("0.90")  # the stated rounding: .90 endings
        assert price.amount >= price.variant.price.amount * Decimal("0.92")
    assert ProductPrice.objects.filter(currency="EUR").count() > 0
    for method in ShippingMethod.objects.all():
        assert method.currency_prices.get(currency="EUR").price > 0
    assert TaxRate.objects.get(country="DE").rate == Decimal("0.19")


def test_the_demo_names_its_colours_and_taxes_in_german():
    from django.utils import translation

    from shop.catalog.models import OptionValue

    call_command("load_demo", "--no-images")
    forest = OptionValue.objects.get(option_type__code="colour", value="Forest")
    assert (forest.label_de, forest.label_en) == ("Waldgrün", None)
    tee = Variant.objects.filter(product__slug="organic-cotton-tee", options__colour="Forest")
    tee = tee.first()
    with translation.override("de"):
        assert tee.label == f"{tee.options['size']} / Waldgrün"
        assert TaxRate.objects.get(country="DE").name == "MwSt."
        assert TaxRate.objects.get(country="AT").name == "USt."
        assert TaxRate.objects.get(country="US", region="US-NY").name == "Umsatzsteuer"
    with translation.override("en"):
        assert tee.label == f"{tee.options['size']} / Forest"
        assert {r.name for r in TaxRate.objects.filter(country__in=["AT", "DE", "FR"])} == {"VAT"}
