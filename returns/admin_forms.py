"""The merchant's forms for each step of a return (admin.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from returns.models import ReturnRequest


class ApproveForm(forms.Form):
    instructions = forms.CharField(
        label=_("Instructions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How to send it back; the shopper reads it in the email and on the order."),
    )
    label_url = forms.URLField(
        label=_("Return label link"), required=False, max_length=500, assume_scheme="https"
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The shopper reads it."),
    )


class ReceiveForm(forms.Form):
    """Per line: units that arrived, and of those, units that can be sold again."""

    def __init__(self, *args, request: ReturnRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(request.lines.select_related("order_line"))
        for line in self.lines:
            name = f"{line.order_line.product_name} ({line.order_line.variant_label})"
            self.fields[f"received_{line.pk}"] = forms.IntegerField(
                label=_("%(item)s: units received") % {"item": name},
                min_value=0,
                max_value=line.quantity,
                initial=line.quantity,
            )
            self.fields[f"sellable_{line.pk}"] = forms.IntegerField(
                label=_("%(item)s: of those, sellable again") % {"item": name},
                min_value=0,
                max_value=line.quantity,
                initial=line.quantity,
                help_text=_("Only these go back into stock."),
            )

    def counts(self) -> dict[int, tuple[int, int]]:
        data = self.cleaned_data
        return {
            line.pk: (data[f"received_{line.pk}"], data[f"sellable_{line.pk}"])
            for line in self.lines
        }


class RefundForm(forms.Form):
    include_shipping = forms.BooleanField(label=_("Refund the shipping too"), required=False)
    destination = forms.ChoiceField(
        label=_("Refund to"), choices=[("card", _("The card that paid"))], initial="card"
    )


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ShipReplacementForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=100)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)


class StaffReturnForm(forms.Form):
    """A return started by staff for a shopper (on the phone, by email): the same service,
    with the rules they may waive."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ReturnRequest.Kind.choices)
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=None, empty_label=_("Choose a reason")
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)
    override = forms.BooleanField(
        label=_("Override the return window and final sale"),
        required=False,
        help_text=_("Logged in the order's history with your name."),
    )

    def __init__(self, *args, order, **kwargs):
        from returns.models import ReturnReason

        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = ReturnReason.objects.filter(is_active=True)
        self.order_lines = list(order.lines.all())
        for line in self.order_lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=_("%(item)s: units to return")
                % {"item": f"{line.product_name} ({line.variant_label})"},
                min_value=0,
                max_value=line.quantity,
                initial=0,
                required=False,
            )

    def quantities(self) -> dict[int, int]:
        return {
            line.pk: self.cleaned_data[f"line_{line.pk}"]
            for line in self.order_lines
            if self.cleaned_data.get(f"line_{line.pk}")
        }
