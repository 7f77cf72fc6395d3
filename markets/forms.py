from django import forms
from django.utils.translation import gettext_lazy as _

from markets.selectors import market_by_code


class MarketForm(forms.Form):
    market = forms.CharField(label=_("Shopping in"), max_length=30)
    next = forms.CharField(required=False, max_length=2000)

    def clean_market(self):
        market = market_by_code(self.cleaned_data["market"])
        if market is None:
            raise forms.ValidationError(_("We do not sell in that market."))
        return market
