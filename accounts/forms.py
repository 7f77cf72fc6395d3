from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Address
from orders.forms import RegionField, address_widgets, clean_address, country_field


class AddressForm(forms.ModelForm):
    """The same address fields as checkout: regions chosen, not typed."""

    region = RegionField()
    country = country_field()

    class Meta:
        model = Address
        fields = [*Address.FIELDS, "is_default"]
        widgets = address_widgets()
        # The checkout's words, in the shopper's language (the model's are the admin's).
        labels = {
            "name": _("Full name"),
            "line1": _("Address"),
            "line2": _("Apartment, suite (optional)"),
            "city": _("City"),
            "postcode": _("Postcode / ZIP"),
            "phone": _("Phone (optional)"),
            "is_default": _("Use this address by default"),
        }

    def clean(self):
        super().clean()
        clean_address(self)
        return self.cleaned_data


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand: my account, addresses and sign-in go; my orders stay with the shop "
            "without my name or address."
        )
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
