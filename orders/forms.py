from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from moneyed import Money

from markets.selectors import market_for_country
from orders import regions
from orders.countries import COUNTRIES, country_in_sentence
from orders.models import ShippingMethod
from shop import widgets


def _region_countries() -> str:
    names = [country_in_sentence(c) for c in regions.REGION_COUNTRIES]
    return ", ".join(sorted(names, key=lambda n: n.removeprefix("the ")))


REGION_HELP = format_lazy(
    _("Needed for addresses in {countries}."), countries=lazy(_region_countries, str)()
)


def address_widgets() -> dict:
    """The address fields' inputs, with the autocomplete names browsers fill in."""
    return {
        "name": forms.TextInput(attrs={"autocomplete": "name"}),
        "line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
        "line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
        "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    }


class RegionField(forms.ChoiceField):
    """The state or province, chosen from the country's ISO 3166-2 regions (orders/regions.py).
    Whether it is required depends on the country: see `clean_address_region`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("State / province"))
        kwargs.setdefault("help_text", REGION_HELP)
        super().__init__(
            choices=regions.choices(),
            required=False,
            widget=widgets.Select(attrs={"autocomplete": "address-level1", "data-region": ""}),
            **kwargs,
        )


def country_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Country"),
        choices=[("", _("Choose a country")), *COUNTRIES],
        widget=widgets.Select(attrs={"autocomplete": "country", "data-country": ""}),
    )


def clean_address(form: forms.Form) -> None:
    """What checkout and the address book both check: no blank required line, and a region
    of the chosen country where its addresses need one."""
    for field in ("name", "line1", "city", "postcode"):
        value = form.cleaned_data.get(field)
        if value is not None and not value.strip():
            form.add_error(field, _("This field is required."))
    clean_address_region(form)


def clean_address_region(form: forms.Form) -> None:
    """A region of the chosen country where its addresses need one; empty elsewhere."""
    country = form.cleaned_data.get("country")
    if not country or "region" not in form.cleaned_data:
        return
    region, error = regions.clean_region(country, form.cleaned_data["region"])
    form.cleaned_data["region"] = region
    if error:
        form.add_error("region", error)


class ShippingMethodField(forms.ModelChoiceField):
    currency = ""  # the cart's; set by CheckoutForm

    def label_from_instance(self, obj):
        from shop.catalog.templatetags.shop_tags import money
        from shop.money import money as in_currency

        foreign = self.currency and self.currency != obj.price.currency.code
        by_country = foreign and any(
            p.country for p in obj.currency_prices.all() if p.currency == self.currency
        )
        own = obj.price_in(self.currency) if foreign else None
        if by_country:
            parts = [obj.name, _("price by country")]
        elif own is not None:
            parts = [obj.name, money(in_currency(own.price, own.currency))]
            if own.free_over is not None:
                parts.append(
                    _("free over %(amount)s")
                    % {"amount": money(in_currency(own.free_over, own.currency))}
                )
        else:
            price = _("price by country") if obj.rates.all() else money(obj.price)
            parts = [obj.name, price]
            if obj.free_over is not None:
                parts.append(_("free over %(amount)s") % {"amount": money(obj.free_over)})
        label = " · ".join(str(p) for p in parts)
        return f"{label} — {obj.description}" if obj.description else label


class CheckoutForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send your receipt here."),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter a valid email address."),
        },
    )
    name = forms.CharField(label=_("Full name"), max_length=200, widget=address_widgets()["name"])
    line1 = forms.CharField(label=_("Address"), max_length=200, widget=address_widgets()["line1"])
    line2 = forms.CharField(
        label=_("Apartment, suite (optional)"),
        max_length=200,
        required=False,
        widget=address_widgets()["line2"],
    )
    city = forms.CharField(label=_("City"), max_length=100, widget=address_widgets()["city"])
    postcode = forms.CharField(
        label=_("Postcode / ZIP"), max_length=20, widget=address_widgets()["postcode"]
    )
    region = RegionField()
    country = country_field()
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        widget=address_widgets()["phone"],
    )
    marketing_opt_in = forms.BooleanField(
        label=_("Send me a reminder of my cart if I leave before paying"),
        required=False,
        help_text=_("A reminder or two at most, each with a link to stop them."),
    )
    shipping_method = ShippingMethodField(
        label=_("Shipping"),
        queryset=ShippingMethod.objects.filter(is_active=True).prefetch_related("rates"),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Please choose one of the shipping methods shown.")},
    )

    def __init__(self, *args, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["shipping_method"]
        field.currency = currency
        if currency and currency != settings.SHOP_CURRENCY:  # its prices in that currency
            field.queryset = field.queryset.prefetch_related("currency_prices")

    def clean(self):
        data = super().clean()
        clean_address(self)
        method, country = data.get("shipping_method"), data.get("country")
        if method is not None and country and not method.ships_to(country):
            self.add_error(
                "shipping_method",
                _("%(method)s does not ship to %(country)s; please choose another shipping method.")
                % {"method": method.name, "country": dict(COUNTRIES)[country]},
            )
        elif method is not None and country:
            # The address's market decides the currency; the method needs a price in it.
            currency = market_for_country(country).price_currency
            if method.price_for(country=country, goods=Money(0, currency)) is None:
                self.add_error(
                    "shipping_method",
                    _("%(method)s is not offered for %(country)s; please choose another.")
                    % {"method": method.name, "country": dict(COUNTRIES)[country]},
                )
        return data

    def address(self) -> dict:
        return {
            k: self.cleaned_data.get(k, "").strip()
            for k in ("name", "line1", "line2", "city", "postcode", "region", "country", "phone")
        }


class VoucherForm(forms.Form):
    code = forms.CharField(
        label=_("Discount code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"placeholder": _("Discount code"), "autocomplete": "off", "maxlength": 40}
        ),
        error_messages={
            "required": _("Please enter a discount code."),
            "max_length": _("That discount code is not valid."),
        },
    )


class PlaceOrderForm(forms.Form):
    checkout_token = forms.CharField(max_length=64, widget=forms.HiddenInput)
