"""The shopper's return form: how many of each returnable line, refund or exchange (and for
what), why, a comment, photos. It only parses; the rules are the service's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from returns.models import ReturnReason, ReturnRequest
from returns.rules import Eligibility
from shop.catalog.models import Variant


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked and
    re-encoded by returns/photos.py."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ReturnForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=[
            (ReturnRequest.Kind.REFUND, _("My money back")),
            (ReturnRequest.Kind.EXCHANGE, _("Another size or colour")),
        ],
        initial=ReturnRequest.Kind.REFUND,
        widget=forms.RadioSelect,
    )
    reason = forms.ModelChoiceField(
        label=_("Why are you returning it?"),
        queryset=ReturnReason.objects.filter(is_active=True),
        empty_label=_("Choose a reason"),
    )
    comment = forms.CharField(
        label=_("Anything we should know? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultiplePhotoField(
        label=_("Photos (needed when it arrived damaged)"),
        required=False,
        help_text=_(
            "Up to 5 JPEG, PNG or WebP pictures. We remove their location and camera data."
        ),
    )

    def __init__(self, *args, eligibility: Eligibility, **kwargs):
        super().__init__(*args, **kwargs)
        self.returnable = eligibility.returnable
        for item in self.returnable:
            line = item.line
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=_("%(product)s (%(variant)s): units to return")
                % {"product": line.product_name, "variant": line.variant_label},
                min_value=0,
                max_value=item.units,
                initial=0,
                required=False,
                help_text=_("Up to %(n)d.") % {"n": item.units},
            )
            others = (
                Variant.objects.filter(product_id=line.variant.product_id)
                .exclude(pk=line.variant_id)
                .order_by("position", "pk")
                if line.variant_id
                else Variant.objects.none()
            )
            if others:
                self.fields[f"replacement_{line.pk}"] = forms.ModelChoiceField(
                    label=_("Exchange %(product)s for") % {"product": line.product_name},
                    queryset=others,
                    required=False,
                    empty_label=_("Choose another size or colour"),
                )

    def line_fields(self):
        """(units field, replacement field or None) per returnable line, for the template."""
        return [
            (
                self[f"line_{item.line.pk}"],
                self[f"replacement_{item.line.pk}"]
                if f"replacement_{item.line.pk}" in self.fields
                else None,
            )
            for item in self.returnable
        ]

    def quantities(self) -> dict[int, int]:
        data = self.cleaned_data
        return {
            item.line.pk: data[f"line_{item.line.pk}"]
            for item in self.returnable
            if data.get(f"line_{item.line.pk}")
        }

    def replacements(self) -> dict[int, int]:
        data = self.cleaned_data
        return {
            item.line.pk: data[f"replacement_{item.line.pk}"].pk
            for item in self.returnable
            if data.get(f"replacement_{item.line.pk}")
        }
