from django import forms
from django.utils.translation import gettext_lazy as _

from shop.catalog.models import MAX_LINE_QUANTITY

QUANTITY_ERRORS = {
    "required": _("Please enter a quantity."),
    "invalid": _("Quantity must be a whole number."),
    "min_value": _("Quantity must be at least %(limit_value)s."),
    "max_value": _("You can buy at most %(limit_value)s of one item."),
}


class AddToCartForm(forms.Form):
    variant = forms.IntegerField(
        required=False,  # when the options chosen name it (catalog/forms.option_choices)
        min_value=1,
        max_value=2**62,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), _("Please choose an option.")
        ),
    )
    quantity = forms.IntegerField(
        min_value=1, max_value=MAX_LINE_QUANTITY, initial=1, error_messages=QUANTITY_ERRORS
    )
    product = forms.IntegerField(
        required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput
    )


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(
        min_value=0, max_value=MAX_LINE_QUANTITY, error_messages=QUANTITY_ERRORS
    )
