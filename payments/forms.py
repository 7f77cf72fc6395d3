from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from moneyed import Money

from shop.money import exponent, quantize


class RefundForm(forms.Form):
    """The merchant's refund: everything left, chosen units of the lines, or an amount."""

    WHAT = [
        ("all", _("Everything not yet refunded")),
        ("lines", "Chosen items (their price, less discount, plus tax)"),
        ("amount", _("An amount")),
    ]

    what = forms.ChoiceField(
        choices=WHAT, widget=forms.RadioSelect, initial="all", label=_("Refund")
    )
    amount = forms.DecimalField(
        required=False, min_value=Decimal("0"), max_digits=14, decimal_places=3, label=_("Amount")
    )
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the order's log and shown to the shopper in the refund email."),
    )

    def __init__(self, order, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.line_fields = []
        for line in order.lines.all():
            left = line.quantity - line.refunded_quantity
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=left,
                initial=0,
                label=f"{line.product_name} ({line.variant_label})",
                help_text=f"{left} of {line.quantity} can be refunded",
                widget=forms.NumberInput(attrs={"style": "width:5em"}),
            )
            self.line_fields.append((line, self[name]))

    def clean(self):
        data = super().clean()
        what = data.get("what")
        data["refund_amount"] = None
        data["refund_lines"] = None
        if what == "amount":
            amount = data.get("amount")
            if not amount:
                self.add_error("amount", _("Enter the amount to refund."))
            elif quantize(amount, self.order.currency) != amount:
                places = exponent(self.order.currency)
                self.add_error(
                    "amount", f"{self.order.currency} amounts have at most {places} decimals."
                )
            else:
                data["refund_amount"] = Money(amount, self.order.currency)
        elif what == "lines":
            chosen = {line.pk: data.get(f"line_{line.pk}") or 0 for line, _ in self.line_fields}
            chosen = {pk: quantity for pk, quantity in chosen.items() if quantity}
            if not chosen:
                raise forms.ValidationError(_("Choose at least one item to refund."))
            data["refund_lines"] = chosen
        return data
