"""The merchant's promotions: what each gives, on what, when and how often, with a preview of
what it does to a sample cart (the engine itself, on the cart typed, nothing saved)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from markets.models import Market
from promotions import engine, selectors
from promotions import messages as promotion_messages
from promotions.models import Promotion, PromotionPrice, PromotionTarget, PromotionTier
from shop.admin_labels import LabelledInlineFormSet
from shop.catalog import prices
from shop.catalog.models import Variant
from shop.money import money


def _currencies() -> list[str]:
    return sorted({settings.SHOP_CURRENCY, *Market.objects.values_list("currency", flat=True)})


class CurrencyForm(forms.ModelForm):
    """A row in one of the markets' currencies (chosen, never typed)."""

    currency = forms.ChoiceField(label=_("currency"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = _currencies()
        if self.instance.pk and self.instance.currency not in codes:
            codes.append(self.instance.currency)
        self.fields["currency"].choices = [("", "---------"), *((c, c) for c in codes)]


class PromotionPriceInline(admin.TabularInline):
    """An amount off needs a row in each currency it is offered in; a minimum or a budget set
    in one currency only means: not offered in the others. Never converted."""

    model = PromotionPrice
    form = CurrencyForm
    formset = LabelledInlineFormSet
    fields = ["currency", "amount_off", "min_subtotal", "budget"]
    extra = 0


class PromotionTierInline(admin.TabularInline):
    model = PromotionTier
    form = CurrencyForm
    formset = LabelledInlineFormSet
    fields = ["currency", "threshold", "percent", "amount"]
    extra = 0


class PromotionTargetInline(admin.TabularInline):
    model = PromotionTarget
    formset = LabelledInlineFormSet
    fields = ["role", "variant", "product", "category"]
    raw_id_fields = ["variant", "product"]
    extra = 0


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "is_active",
        "starts_at",
        "ends_at",
        "priority",
        "used",
        "usage_limit",
        "preview_link",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    # One labelled input per date and time (the split admin widget leaves its parts unnamed).
    formfield_overrides = {
        models.DateTimeField: {
            "form_class": forms.DateTimeField,
            "widget": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"],
        }
    }
    inlines = [PromotionPriceInline, PromotionTierInline, PromotionTargetInline]
    fieldsets = [
        (None, {"fields": ["name", "code", "kind", "is_active", "starts_at", "ends_at"]}),
        (
            _("What it gives"),
            {"fields": ["percent", "buy_quantity", "get_quantity", "shipping_methods"]},
        ),
        (
            _("How it combines"),
            {
                "fields": [
                    "priority",
                    "combines_with_product",
                    "combines_with_order",
                    "combines_with_shipping",
                ]
            },
        ),
        (
            _("Limits and conditions"),
            {
                "fields": [
                    "usage_limit",
                    "per_customer_limit",
                    "per_order_limit",
                    "signed_in_only",
                    "first_order_only",
                    "min_quantity",
                    "email_domains",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("uses"))

    @admin.display(description=_("Used"), ordering="use_count")
    def used(self, obj):
        return obj.use_count

    @admin.display(description=_("Preview"))
    def preview_link(self, obj):
        url = reverse("admin:promotions_promotion_preview", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Preview"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview),
                name="promotions_promotion_preview",
            ),
            *super().get_urls(),
        ]

    def preview(self, request, pk: int):
        """The promotion alone on a sample cart: SKUs and quantities typed, in a currency."""
        promotion = get_object_or_404(Promotion, pk=pk)
        if not self.has_view_permission(request, promotion):
            raise PermissionDenied
        form = PreviewForm(request.GET or None, currencies=_currencies())
        outcome = None
        if form.is_valid():
            outcome = preview(promotion, **form.cleaned_data)
        return TemplateResponse(
            request,
            "admin/promotions/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": promotion,
                "title": gettext("Preview: %(name)s") % {"name": promotion.name},
                "form": form,
                "outcome": outcome,
            },
        )


class PreviewForm(forms.Form):
    cart = forms.CharField(
        label=_("Sample cart"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One line per item: SKU and quantity, e.g. TSHIRT-M 3."),
    )
    currency = forms.ChoiceField(label=_("currency"), choices=())
    shipping = forms.DecimalField(
        label=_("Shipping price"), required=False, min_value=0, max_digits=12, decimal_places=3
    )

    def __init__(self, *args, currencies: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(c, c) for c in currencies]
        self.fields["currency"].initial = settings.SHOP_CURRENCY

    def clean_cart(self) -> list[tuple[str, int]]:
        wanted = []
        for number, raw in enumerate(self.cleaned_data["cart"].splitlines(), start=1):
            parts = raw.split()
            if not parts:
                continue
            if len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
                raise forms.ValidationError(
                    gettext("Line %(n)d: give a SKU and a quantity.") % {"n": number}
                )
            quantity = int(parts[1]) if len(parts) == 2 else 1
            if not 1 <= quantity <= 999:
                raise forms.ValidationError(
                    gettext("Line %(n)d: a quantity from 1 to 999.") % {"n": number}
                )
            wanted.append((parts[0], quantity))
        if not wanted or len(wanted) > 50:
            raise forms.ValidationError(gettext("Give from 1 to 50 lines."))
        known = set(
            Variant.objects.filter(sku__in=[s for s, _q in wanted]).values_list("sku", flat=True)
        )
        unknown = [s for s, _q in wanted if s not in known]
        if unknown:
            raise forms.ValidationError(
                gettext("Unknown SKU: %(skus)s.") % {"skus": ", ".join(unknown)}
            )
        return wanted


def preview(promotion: Promotion, *, cart, currency: str, shipping) -> dict:
    """What the promotion alone does to the sample cart (as a shopper meeting every condition
    would see it), in the engine's own words."""
    variants = {
        v.sku: v
        for v in prices.attach_prices(
            list(Variant.objects.select_related("product").filter(sku__in=[s for s, _q in cart])),
            currency,
        )
    }
    lines, names, unpriced = [], {}, []
    for number, (sku, quantity) in enumerate(cart, start=1):
        variant = variants[sku]
        price = prices.price_in(variant, currency)
        if price is None:
            unpriced.append(sku)
            continue
        lines.append(
            engine.Line(
                number,
                variant.pk,
                variant.product_id,
                variant.product.category_id,
                price.amount,
                quantity,
            )
        )
        names[number] = str(variant)
    found = selectors.candidates(currency=currency, promotions=[promotion])
    result = engine.apply(
        lines=lines,
        rules=found.rules,
        currency=currency,
        customer=engine.Customer(
            signed_in=True, first_order=True, email=_matching_email(promotion)
        ),
        shipping_price=(lambda goods: shipping) if shipping is not None else None,
    )
    return {
        "lines": [
            {
                "name": names[line.id],
                "quantity": line.quantity,
                "total": money(line.total, currency),
                "discount": money(result.lines[line.id].discount, currency),
                "paid": money(result.lines[line.id].paid, currency),
            }
            for line in lines
        ],
        "applied": [(a.name, money(a.amount, currency)) for a in result.applied],
        "subtotal": money(result.subtotal, currency),
        "discount": money(result.discount, currency),
        "shipping_discount": money(result.shipping_discount, currency),
        "goods": money(result.goods, currency),
        "hints": [
            promotion_messages.hint_text(h, currency=currency, names=names) for h in result.hints
        ],
        "not_offered": found.refused.get(promotion.pk, ""),
        "refused": result.refused.get(promotion.pk, ""),
        "unpriced": unpriced,
    }


def _matching_email(promotion: Promotion) -> str:
    domains = sorted(promotion.domains)
    return f"shopper@{domains[0]}" if domains else "shopper@example.com"
