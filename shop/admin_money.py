"""Money in the admin as the merchant thinks of it: one amount in the shop's currency.

django-money's form field pairs the amount with a currency dropdown and shows the stored
precision (45.000); a shop sells in one currency, so here the amount stands alone, labelled
with the currency and shown with its own decimals (45.00, ¥1200, 1.250 KWD).
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from djmoney.models.fields import MoneyField
from moneyed import Money

from shop.money import exponent, money, quantize


class AmountField(forms.DecimalField):
    def __init__(self, *, max_digits=None, **kwargs):
        for ignored in ("currency_choices", "default_currency", "default_amount", "decimal_places"):
            kwargs.pop(ignored, None)
        kwargs.pop("currency_widget", None)
        currency = settings.SHOP_CURRENCY
        super().__init__(max_digits=max_digits, decimal_places=exponent(currency), **kwargs)
        self.currency = currency
        if self.label:
            self.label = f"{self.label} ({currency})"
        self.widget.attrs.update(
            step=str(Decimal(1).scaleb(-exponent(currency))), inputmode="decimal"
        )

    def prepare_value(self, value):
        if isinstance(value, Money):
            value = value.amount
        if isinstance(value, Decimal):
            value = quantize(value, self.currency)
        return super().prepare_value(value)

    def clean(self, value):
        amount = super().clean(value)
        return None if amount is None else money(amount, self.currency)


# For a ModelAdmin or an inline: `formfield_overrides = MONEY_IN_SHOP_CURRENCY`.
MONEY_IN_SHOP_CURRENCY = {MoneyField: {"form_class": AmountField}}
