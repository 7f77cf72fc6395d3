from django import forms

from orders.countries import COUNTRIES
from orders.models import ShippingMethod


class ShippingMethodField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        from shop.catalog.templatetags.shop_tags import money

        price = "price by country" if obj.rates.all() else money(obj.price)
        parts = [obj.name, price]
        if obj.free_over is not None:
            parts.append(f"free over {money(obj.free_over)}")
        label = " · ".join(parts)
        return f"{label} — {obj.description}" if obj.description else label


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
    region = forms.CharField(label="State / province (optional)", max_length=100, required=False)
    country = forms.ChoiceField(label="Country", choices=[("", "Choose a country"), *COUNTRIES])
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
    shipping_method = ShippingMethodField(
        label="Shipping",
        queryset=ShippingMethod.objects.filter(is_active=True).prefetch_related("rates"),
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
        method, country = data.get("shipping_method"), data.get("country")
        if method is not None and country and not method.ships_to(country):
            self.add_error(
                "shipping_method",
                f"{method.name} does not ship to {dict(COUNTRIES)[country]}; please choose "
                "another shipping method.",
            )
        return data

    def address(self) -> dict:
        return {
            k: self.cleaned_data.get(k, "").strip()
            for k in ("name", "line1", "line2", "city", "postcode", "region", "country", "phone")
        }


class VoucherForm(forms.Form):
    code = forms.CharField(
        label="Discount code",
        max_length=40,
        error_messages={
            "required": "Please enter a discount code.",
            "max_length": "That discount code is not valid.",
        },
    )


class PlaceOrderForm(forms.Form):
    checkout_token = forms.CharField(max_length=64, widget=forms.HiddenInput)
