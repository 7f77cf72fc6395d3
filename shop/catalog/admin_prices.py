"""The merchant's prices in other markets' currencies: edited inline on a variant, and
suggested from each market's exchange rate by an action whose page the merchant reviews (and
changes) before anything is saved. An exchange rate never sets a price by itself."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from markets.models import Market
from markets.pricing import suggest_price
from shop.catalog import services
from shop.catalog.models import Variant, VariantPrice
from shop.money import quantize


class VariantPriceForm(forms.ModelForm):
    currency = forms.ChoiceField(label=_("currency"), choices=())

    class Meta:
        model = VariantPrice
        fields = ["currency", "amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = sorted({m.currency for m in Market.objects.filter(is_default=False)})
        if self.instance.pk and self.instance.currency not in codes:
            codes.append(self.instance.currency)
        self.fields["currency"].choices = [("", "---------"), *((c, c) for c in codes)]

    def clean(self):
        data = super().clean()
        if data.get("currency") and data.get("amount") is not None:
            data["amount"] = quantize(data["amount"], data["currency"])
        return data


class VariantPriceInline(admin.TabularInline):
    """A variant's prices in the other markets' currencies; none: not sold there."""

    model = VariantPrice
    form = VariantPriceForm
    extra = 1
    verbose_name = _("price in another market's currency")
    verbose_name_plural = _(
        "prices in other markets' currencies (a market without one does not sell it)"
    )


class SuggestionForm(forms.Form):
    """One row of the review page: the suggested price, as the merchant leaves or changes it."""

    variant = forms.IntegerField(widget=forms.HiddenInput)
    currency = forms.CharField(max_length=3, widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label=_("price"), max_digits=14, decimal_places=3, min_value=0, required=False
    )


SuggestionFormSet = forms.formset_factory(SuggestionForm, extra=0, max_num=2000)


def missing_prices(variants) -> list[dict]:
    """For each variant and each market with an exchange rate that has no price for it, the
    suggested price (markets/pricing.py's rounding)."""
    markets = list(
        Market.objects.filter(is_default=False, is_active=True, exchange_rate__isnull=False)
    )
    have = set(
        VariantPrice.objects.filter(variant__in=variants).values_list("variant_id", "currency")
    )
    rows = []
    for variant in variants:
        for market in markets:
            if (variant.pk, market.currency) in have:
                continue
            rows.append(
                {
                    "variant": variant.pk,
                    "label": str(variant),
                    "sku": variant.sku,
                    "currency": market.currency,
                    "market": market.name,
                    "from_price": variant.price,
                    "rate": market.exchange_rate,
                    "amount": suggest_price(
                        variant.price.amount, market.exchange_rate, market.currency
                    ),
                }
            )
            have.add((variant.pk, market.currency))
    return rows


def review_suggestions(modeladmin, request, variants):
    """The action's page: the suggestions to review; saving it sets the prices left filled."""
    variants = list(variants.select_related("product"))
    if "save_suggested" in request.POST:
        formset = SuggestionFormSet(request.POST, prefix="price")
        if formset.is_valid():
            saved = _save(formset)
            messages.success(
                request,
                ngettext("%(n)d price saved.", "%(n)d prices saved.", saved) % {"n": saved},
            )
            return redirect(request.get_full_path())
        rows = missing_prices(variants)  # the same rows, shown again with the errors
    else:
        rows = missing_prices(variants)
        if not rows:
            messages.info(
                request,
                gettext(
                    "Nothing to suggest: every chosen variant has a price in every market "
                    "with an exchange rate."
                ),
            )
            return None
        formset = SuggestionFormSet(
            prefix="price",
            initial=[{k: r[k] for k in ("variant", "currency", "amount")} for r in rows],
        )
    return TemplateResponse(
        request,
        "admin/catalog/suggest_prices.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": gettext("Review suggested prices"),
            "opts": modeladmin.model._meta,
            "formset": formset,
            "rows": list(zip(formset.forms, rows, strict=False)),
            "selected": [str(v.pk) for v in variants],
            "action": request.POST.get("action", ""),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


def _save(formset) -> int:
    """Set each price left filled (one transaction); a row emptied is skipped."""
    by_variant: dict[int, dict[str, Decimal]] = {}
    for form in formset.forms:
        amount = form.cleaned_data.get("amount")
        if amount is None:
            continue
        try:
            by_variant.setdefault(form.cleaned_data["variant"], {})[
                form.cleaned_data["currency"].upper()
            ] = Decimal(amount)
        except (InvalidOperation, KeyError):
            continue
    saved = 0
    with transaction.atomic():
        known = set(Variant.objects.filter(pk__in=by_variant).values_list("pk", flat=True))
        for variant_id, prices in by_variant.items():
            if variant_id not in known:
                continue
            try:
                services.set_prices(variant_id=variant_id, prices=prices)
            except ValidationError:
                continue
            saved += len(prices)
    return saved
