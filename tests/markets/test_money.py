"""Money written for the active language, with the currency's minor unit."""

import pytest
from django.utils import translation

from shop.money import as_text, money

pytestmark = pytest.mark.markets


@pytest.mark.parametrize(
    "language, amount, currency, text",
    [
        ("en-us", "1234.5", "EUR", "€1,234.50"),
        ("en-us", "1200", "JPY", "¥1,200"),
        ("de", "1234.5", "EUR", "1.234,50\xa0€"),
        ("de", "1200", "JPY", "1.200\xa0¥"),
        ("de", "0.5", "KWD", "0,500\xa0KWD"),
        ("xx", "12", "USD", "$12.00"),  # a language Babel does not know: English
    ],
)
def test_money_is_written_as_the_language_writes_it(language, amount, currency, text):
    with translation.override(language):
        assert as_text(money(amount, currency)) == text
