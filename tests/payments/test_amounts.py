from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from moneyed import Money

from payments.amounts import AmountError, from_stripe_amount, to_stripe_amount


@pytest.mark.parametrize(
    "money, expected",
    [
        (Money("25.00", "USD"), (2500, "usd")),
        (Money("0.01", "USD"), (1, "usd")),
        (Money("19.999", "USD"), (2000, "usd")),  # rounded to the cent first
        (Money("1234.56", "EUR"), (123456, "eur")),
        (Money("4100", "JPY"), (4100, "jpy")),  # zero-decimal: never 410000
        (Money("12.340", "KWD"), (12340, "kwd")),  # three decimals, whole tens
        (Money("500", "ISK"), (50000, "isk")),  # Stripe counts ISK in hundredths
    ],
)
def test_money_becomes_stripe_minor_units(money, expected):
    assert to_stripe_amount(money) == expected


def test_refuses_amounts_stripe_cannot_take():
    with pytest.raises(AmountError):
        to_stripe_amount(Money("-1.00", "USD"))
    # KWD is charged in whole tens of fils: amounts are rounded to them, never refused.
    assert to_stripe_amount(Money("1.005", "KWD")) == (1010, "kwd")
    assert to_stripe_amount(Money("1.004", "KWD")) == (1000, "kwd")


@given(
    cents=st.integers(min_value=0, max_value=10**12),
    currency=st.sampled_from(["USD", "EUR", "GBP", "JPY", "KRW", "KWD", "BHD"]),
)
def test_round_trip_from_stripe_and_back(cents, currency):
    if currency in ("KWD", "BHD"):
        cents -= cents % 10
    money = from_stripe_amount(cents, currency)
    assert to_stripe_amount(money) == (cents, currency.lower())


@given(amount=st.decimals(min_value=0, max_value=Decimal("1e9"), places=2))
def test_round_trip_from_money(amount):
    amount_, currency = to_stripe_amount(Money(amount, "USD"))
    assert from_stripe_amount(amount_, currency) == Money(amount, "USD")
