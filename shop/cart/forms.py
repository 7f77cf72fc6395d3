import datetime

from django import forms
from django.utils import timezone
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


class GiftCardDetailsForm(forms.Form):
    """Who a gift card is for, and when it is emailed (the product page of a gift card)."""

    recipient_email = forms.EmailField(
        label=_("Recipient's email"),
        required=False,
        help_text=_("Empty: the code is emailed to you."),
    )
    sender_name = forms.CharField(label=_("From"), max_length=100, required=False)
    message = forms.CharField(
        label=_("Message"), max_length=500, required=False, widget=forms.Textarea({"rows": 3})
    )
    send_on = forms.DateField(
        label=_("Send on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: as soon as it is paid."),
    )

    def clean_send_on(self):
        day = self.cleaned_data.get("send_on")
        today = timezone.localdate()
        if day is not None and not today <= day <= today + datetime.timedelta(days=366):
            raise forms.ValidationError(_("Choose a day from today to a year from now."))
        return day

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            "recipient_email": data["recipient_email"],
            "sender_name": data["sender_name"].strip(),
            "message": data["message"].strip(),
            "send_on": data["send_on"].isoformat() if data["send_on"] else "",
        }
