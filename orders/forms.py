from django import forms

from orders.countries import COUNTRIES
from orders.models import ShippingMethod


class ShippingMethodField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        from shop.catalog.templatetags.shop_tags import money

        return (
            f"{obj.name} · {money(obj.price)} — {obj.description}"
            if obj.description
            else (f"{obj.name} · {money(obj.price)}")
        )


class CheckoutForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        help_text="We send your receipt here.",
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address.",
        },
    )
    name = forms.CharField(label="Full name", max_length=200)
    line1 = forms.CharField(label="Address", max_length=200)
    line2 = forms.CharField(label="Apartment, suite (optional)", max_length=200, required=False)
    city = forms.CharField(label="City", max_length=100)
    postcode = forms.CharField(label="Postcode / ZIP", max_length=20)
    country = forms.ChoiceField(label="Country", choices=[("", "Choose a country"), *COUNTRIES])
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
    shipping_method = ShippingMethodField(
        label="Shipping",
        queryset=ShippingMethod.objects.filter(is_active=True),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Please choose one of the shipping methods shown."},
    )

    def clean(self):
        data = super().clean()
        for field in ("name", "line1", "city", "postcode"):
            value = data.get(field)
            if value is not None and not value.strip():
                self.add_error(field, "This field is required.")
        return data

    def address(self) -> dict:
        return {
            k: self.cleaned_data.get(k, "").strip()
            for k in ("name", "line1", "line2", "city", "postcode", "country", "phone")
        }


class PlaceOrderForm(forms.Form):
    checkout_token = forms.CharField(max_length=64, widget=forms.HiddenInput)
