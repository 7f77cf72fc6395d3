from django import forms
from django.utils.translation import gettext_lazy as _

from reminders.models import Topic


class StockAlertForm(forms.Form):
    variant = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    email = forms.CharField(
        label=_("Your email"),
        max_length=254,
        required=False,
        strip=True,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Signed in? Leave it empty and we use your account's address."),
    )


class PreferencesForm(forms.Form):
    marketing = forms.BooleanField(
        label=_("Emails that bring me back to the shop"),
        required=False,
        help_text=_("Untick to get none of the emails below. Receipts and order news still come."),
    )
    back_in_stock = forms.BooleanField(label=Topic.BACK_IN_STOCK.label, required=False)
    abandoned_cart = forms.BooleanField(label=Topic.ABANDONED_CART.label, required=False)
    review_request = forms.BooleanField(label=Topic.REVIEW_REQUEST.label, required=False)

    def topics(self) -> dict[str, bool]:
        return {str(topic): self.cleaned_data[str(topic)] for topic in Topic}
