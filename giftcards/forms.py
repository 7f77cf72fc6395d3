from django import forms
from django.utils.translation import gettext_lazy as _


class GiftCardCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Gift card code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "maxlength": 40, "spellcheck": "false"}
        ),
        error_messages={
            "required": _("Please enter a gift card code."),
            "max_length": _("That gift card cannot be used."),
        },
    )
