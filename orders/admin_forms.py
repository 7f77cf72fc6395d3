from django import forms
from django.utils.translation import gettext_lazy as _

CARRIERS = ["UPS", "USPS", "FedEx", "DHL", "Royal Mail"]


class ShipForm(forms.Form):
    carrier = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"list": "carriers", "autocomplete": "off"}),
        help_text=_("UPS, USPS, FedEx, DHL and Royal Mail get a tracking link by themselves."),
    )
    tracking_number = forms.CharField(max_length=100, required=False)
    tracking_url = forms.URLField(
        assume_scheme="https",
        max_length=500,
        required=False,
        label=_("Tracking link"),
        help_text=_("Only for other carriers; left empty, it is built from the tracking number."),
    )
