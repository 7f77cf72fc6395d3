from decimal import Decimal

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from moneyed import Money

from shop.money import exponent, quantize

CONFIRM_SALT = "payments.refund-confirmation"
CONFIRM_MAX_AGE = 30 * 60  # seconds a reviewed refund can wait for its confirmation


class RefundForm(forms.Form):
    """The merchant's refund: everything left, chosen units of the lines, or an amount.

    What the merchant typed must agree with what they chose: quantities typed while
    "Everything" is chosen are refused, never ignored (a typed 1 once refunded a whole order).
    """

    WHAT = [
        ("all", _("Everything not yet refunded")),
        ("lines", _("Chosen items (their price, less discount, plus tax)")),
        ("amount", _("An amount")),
    ]

    what = forms.ChoiceField(
        choices=WHAT, widget=forms.RadioSelect, initial="all", label=_("Refund")
    )
    amount = forms.DecimalField(
        required=False, min_value=Decimal("0"), max_digits=14, decimal_places=3, label=_("Amount")
    )
    to_store_credit = forms.BooleanField(
        required=False,
        label=_("Refund to store credit"),
        help_text=_(
            "Give it as store credit for the customer's account instead of back to the card "
            "and gift cards."
        ),
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
                help_text=_("%(left)d of %(quantity)d can be refunded")
                % {"left": left, "quantity": line.quantity},
                widget=forms.NumberInput(attrs={"style": "width:5em", "data-refund": "lines"}),
            )
            self.line_fields.append((line, self[name]))
        self.fields["amount"].widget.attrs["data-refund"] = "amount"

    def clean(self):
        data = super().clean()
        what = data.get("what")
        data["refund_amount"] = None
        data["refund_lines"] = None
        chosen = {line.pk: data.get(f"line_{line.pk}") or 0 for line, _ in self.line_fields}
        chosen = {pk: quantity for pk, quantity in chosen.items() if quantity}
        amount = data.get("amount")
        if what == "all" and (chosen or amount):
            raise forms.ValidationError(
                _(
                    "You typed %(what)s but chose “Everything not yet refunded”, so nothing "
                    "was refunded. Choose “%(choice)s” to refund only that, or clear it to "
                    "refund everything."
                )
                % {
                    "what": _("quantities") if chosen else _("an amount"),
                    "choice": self.WHAT[1][1] if chosen else self.WHAT[2][1],
                }
            )
        if what == "lines" and amount:
            raise forms.ValidationError(
                _(
                    "You chose items but also typed an amount, so nothing was refunded. "
                    "Clear the amount, or choose “An amount” and clear the quantities."
                )
            )
        if what == "amount" and chosen:
            raise forms.ValidationError(
                _(
                    "You chose an amount but also typed quantities, so nothing was refunded. "
                    "Clear the quantities, or choose “Chosen items” and clear the amount."
                )
            )
        if what == "amount":
            if not amount:
                self.add_error("amount", _("Enter the amount to refund."))
            elif quantize(amount, self.order.currency) != amount:
                places = exponent(self.order.currency)
                self.add_error(
                    "amount",
                    _("%(currency)s amounts have at most %(places)d decimals.")
                    % {"currency": self.order.currency, "places": places},
                )
            else:
                data["refund_amount"] = Money(amount, self.order.currency)
        elif what == "lines":
            if not chosen:
                raise forms.ValidationError(_("Choose at least one item to refund."))
            data["refund_lines"] = chosen
        return data


def sign_refund(
    *,
    order_id: int,
    amount: Money,
    left: Money,
    lines,
    reason: str,
    key: str,
    to_store_credit: bool = False,
) -> str:
    """The refund the merchant reviewed, signed: the confirmation can only make that one."""
    return signing.dumps(
        {
            "order": order_id,
            "amount": str(amount.amount),
            "currency": str(amount.currency),
            "left": str(left.amount),
            "lines": {str(pk): units for pk, units in (lines or {}).items()},
            "reason": reason,
            "key": key,
            "store_credit": bool(to_store_credit),
        },
        salt=CONFIRM_SALT,
    )


class RefundConfirmForm(forms.Form):
    """The second step: the signed refund the merchant reviewed, for this order."""

    confirmation = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, order, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order

    def clean_confirmation(self):
        try:
            data = signing.loads(
                self.cleaned_data["confirmation"], salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE
            )
        except signing.SignatureExpired as error:
            raise forms.ValidationError(
                _("This confirmation is more than 30 minutes old; review the refund again.")
            ) from error
        except signing.BadSignature as error:
            raise forms.ValidationError(
                _("This confirmation was changed or is not for this shop; nothing was refunded.")
            ) from error
        if data.get("order") != self.order.pk:
            raise forms.ValidationError(_("This confirmation is for another order."))
        currency = data["currency"]
        return {
            "amount": Money(Decimal(data["amount"]), currency),
            "left": Money(Decimal(data["left"]), currency),
            "lines": {int(pk): units for pk, units in data["lines"].items()},
            "reason": data["reason"],
            "key": data["key"],
            "to_store_credit": bool(data.get("store_credit")),
        }
