from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from shop.admin_labels import LabelledInlineFormSet, LabelledListEditableMixin
from shop.admin_money import AmountField
from shop.catalog import csv_io, options, selectors, services
from shop.catalog.admin_prices import VariantPriceInline, review_suggestions
from shop.catalog.cache import bump_catalog_version
from shop.catalog.listings import refresh_listings
from shop.catalog.models import (
    Category,
    OptionType,
    OptionValue,
    Product,
    ProductImage,
    Variant,
)
from shop.catalog.templatetags.shop_tags import money as money_text


@admin.register(Category)
class CategoryAdmin(LabelledListEditableMixin, TranslationAdmin):
    list_display = ["name", "parent", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Category names are part of their products' search documents; the menu and the
        # filters show the category: both follow on the next request.
        ids = selectors.category_tree(fresh=True).descendant_ids(obj.pk)
        refresh_listings(
            product_ids=Product.objects.filter(category_id__in=ids).values_list("pk", flat=True)
        )
        transaction.on_commit(bump_catalog_version)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(bump_catalog_version)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(bump_catalog_version)


class VariantForm(forms.ModelForm):
    """A variant as the merchant edits it: one choice per option of its product, the price
    in the shop's currency with its own decimals (no currency to pick: a shop has one)."""

    option_types: list[OptionType] = []  # the product's, set by variant_form_for

    price = AmountField(label=_("Price"), min_value=0, max_digits=14)

    class Meta:
        model = Variant
        fields = ["sku", "price", "stock_on_hand", "track_stock", "allow_backorder", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            current = {
                link.option_type_id: link.value_id for link in self.instance.option_values.all()
            }
            for option_type in self.option_types:
                self.initial.setdefault(f"option_{option_type.code}", current.get(option_type.pk))

    def chosen_values(self) -> list[OptionValue]:
        return [
            self.cleaned_data[f"option_{t.code}"]
            for t in self.option_types
            if self.cleaned_data.get(f"option_{t.code}")
        ]


def variant_form_for(product: Product | None) -> type[VariantForm]:
    """The variant form with a required choice for each option the product offers."""
    option_types = list(product.option_types.prefetch_related("values")) if product else []
    fields = {
        f"option_{t.code}": forms.ModelChoiceField(
            queryset=t.values.all(), label=t.name, empty_label=_("Choose…")
        )
        for t in option_types
    }
    return type("VariantForm", (VariantForm,), {"option_types": option_types, **fields})


def option_field_names(product: Product | None) -> list[str]:
    return [f"option_{t.code}" for t in product.option_types.all()] if product else []


class VariantFormSet(LabelledInlineFormSet):
    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            values = tuple(v.pk for v in form.chosen_values())
            if not values:
                continue
            if values in seen:
                raise forms.ValidationError(
                    gettext(
                        "%(sku)s and %(other)s have the same options: each variant needs its "
                        "own combination."
                    )
                    % {"sku": form.cleaned_data.get("sku"), "other": seen[values]}
                )
            seen[values] = form.cleaned_data.get("sku")


class VariantInline(admin.TabularInline):
    model = Variant
    form = VariantForm
    formset = VariantFormSet
    extra = 0
    readonly_fields = ["stock"]
    classes = ["variants"]

    def get_fields(self, request, obj=None):
        return [
            "sku",
            *option_field_names(obj),
            "price",
            "stock_on_hand",
            "stock",
            "track_stock",
            "allow_backorder",
            "position",
        ]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = variant_form_for(obj)
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        # Each row's form reads its option values: one query for all rows, not one a row.
        return (
            super()
            .get_queryset(request)
            .select_related("product")  # each row's title names it
            .prefetch_related("option_values")
        )

    @admin.display(description=_("Stock"))
    def stock(self, obj):
        return obj.stock_summary if obj.pk else ""


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    formset = LabelledInlineFormSet
    extra = 0
    fields = ["preview", "image", "alt_text", "option_value", "position"]
    readonly_fields = ["preview"]

    @admin.display(description="")
    def preview(self, obj):
        if not obj.image:
            return ""
        return format_html('<img src="{}" alt="" style="height:48px">', obj.webp_320.url)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["option_value"]
        # Only the values this product's variants can have.
        field.queryset = (
            OptionValue.objects.filter(option_type__products=obj).select_related("option_type")
            if obj
            else OptionValue.objects.none()
        )
        field.label_from_instance = lambda v: f"{v.option_type.name}: {v.value}"
        return formset


def _save_variant(request, variant, refresh=True, values=None):
    try:
        services.save_variant(variant=variant, refresh=refresh, option_values=values)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    if variant.track_stock and variant.stock_reserved and not variant.available:
        messages.warning(
            request,
            gettext(
                "%(sku)s: %(summary)s, so shoppers see it sold out until those orders are "
                "paid or their hold ends."
            )
            % {"sku": variant.sku, "summary": variant.stock_summary},
        )


class OptionValueInline(TranslationTabularInline):
    model = OptionValue
    formset = LabelledInlineFormSet
    extra = 1
    fields = ["value", "label", "swatch", "position"]


@admin.register(OptionType)
class OptionTypeAdmin(TranslationAdmin):
    list_display = ["name", "code", "display", "values_list"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [OptionValueInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("values")

    @admin.display(description=_("Values"))
    def values_list(self, obj):
        return ", ".join(v.value for v in obj.values.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Renamed values and a new order show in labels, filters and search.
        products = list(form.instance.products.all())
        for product in products:
            options.refresh_option_labels(product=product)
        refresh_listings(product_ids=[p.pk for p in products])


@admin.register(Product)
class ProductAdmin(TranslationAdmin):
    list_display = ["name", "category", "is_published", "variant_count", "updated_at"]
    list_filter = ["is_published", "category"]
    search_fields = ["name", "variants__sku"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VariantInline, ProductImageInline]
    actions = ["suggest_prices"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}

    class Media:
        css = {"all": ["admin/shop/catalog.css"]}

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "category",
                    "description",
                    "is_published",
                    "final_sale",
                ]
            },
        ),
        ("Options", {"fields": ["option_types"]}),
    ]

    @admin.action(description=_("Suggest missing prices in other markets (to review)"))
    def suggest_prices(self, request, queryset):
        return review_suggestions(
            self, request, Variant.objects.filter(product__in=queryset).order_by("product", "pk")
        )

    @admin.display(description=_("Variants"))
    def variant_count(self, obj):
        return obj.variants.count()

    def save_model(self, request, obj, form, change):
        if change:
            services.lock_variants_of(product_ids=[obj.pk])  # the checkouts' lock order
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        options.refresh_option_labels(product=form.instance)  # its options may have changed
        refresh_listings(product_ids=[form.instance.pk])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(bump_catalog_version)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Variant:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for variant_form in formset.forms:
            variant = variant_form.instance
            if variant_form in formset.deleted_forms or not variant_form.has_changed():
                continue
            # save_related refreshes the listing once, after every variant
            _save_variant(request, variant, refresh=False, values=variant_form.chosen_values())
        for variant in formset.deleted_objects:
            variant.delete()
        return None


class LowStockFilter(admin.SimpleListFilter):
    title = "stock"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [
            ("out", "Sold out"),
            ("low", f"{settings.LOW_STOCK_THRESHOLD} or fewer available"),
        ]

    def queryset(self, request, queryset):
        tracked = queryset.filter(track_stock=True).alias(
            a=F("stock_on_hand") - F("stock_reserved")
        )
        if self.value() == "out":
            return tracked.filter(a__lte=0)
        if self.value() == "low":
            return tracked.filter(a__lte=settings.LOW_STOCK_THRESHOLD)
        return queryset


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"), help_text=_("UTF-8, comma-separated, with a header.")
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > 5 * 1024 * 1024:
                raise forms.ValidationError(gettext("The file is larger than 5 MB; split it."))
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(
                    gettext("The file is not UTF-8 text; save it as CSV UTF-8.")
                ) from error
        return data


@admin.register(Variant)
class VariantAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    """The stock list: every SKU with its stock editable in place."""

    list_display = [
        "sku",
        "product",
        "label",
        "price_shown",
        "stock_on_hand",
        "stock",
        "track_stock",
        "allow_backorder",
    ]
    list_editable = ["stock_on_hand", "allow_backorder"]
    list_select_related = ["product"]
    list_filter = [LowStockFilter, "product__category"]
    search_fields = ["sku", "product__name"]
    readonly_fields = ["stock"]
    actions = ["export_csv", "suggest_prices"]
    change_list_template = "admin/catalog/variant_change_list.html"
    inlines = [VariantPriceInline]

    @admin.action(description=_("Suggest missing prices in other markets (to review)"))
    def suggest_prices(self, request, queryset):
        return review_suggestions(self, request, queryset)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_listings(product_ids=[form.instance.product_id])  # its prices per currency

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = variant_form_for(obj.product if obj else None)
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return [
            "product",
            "sku",
            *option_field_names(obj.product if obj else None),
            "price",
            "stock_on_hand",
            "stock",
            "track_stock",
            "allow_backorder",
            "position",
        ]

    @admin.display(description=_("Price"), ordering="price")
    def price_shown(self, obj):
        return money_text(obj.price)

    @admin.display(description=_("Stock"))
    def stock(self, obj):
        return obj.stock_summary

    def save_model(self, request, obj, form, change):
        # The stock list's in-place edits have no option fields: the options stay as they are.
        chosen = form.chosen_values() if getattr(form, "option_types", None) else None
        _save_variant(request, obj, values=chosen)

    def delete_model(self, request, obj):
        product_id = obj.product_id
        super().delete_model(request, obj)
        refresh_listings(product_ids=[product_id])

    def delete_queryset(self, request, queryset):
        product_ids = set(queryset.values_list("product_id", flat=True))
        super().delete_queryset(request, queryset)
        refresh_listings(product_ids=product_ids)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="catalog_variant_import",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_all),
                name="catalog_variant_export",
            ),
            *super().get_urls(),
        ]

    def _csv_response(self, queryset):
        day = timezone.localdate().isoformat()
        response = HttpResponse(csv_io.export_csv(queryset), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="products-and-stock-{day}.csv"'
        return response

    @admin.action(description=_("Export selected as CSV"))
    def export_csv(self, request, queryset):
        return self._csv_response(queryset)

    def export_all(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._csv_response(Variant.objects.all())

    def import_view(self, request):
        """Upload a CSV of products and stock; every row checked, nothing applied if any
        row is bad."""
        if not (self.has_change_permission(request) and self.has_add_permission(request)):
            raise PermissionDenied
        form = CsvImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = csv_io.import_csv(form.cleaned_data["text"])
            if result.ok:
                messages.success(
                    request,
                    ngettext(
                        "Imported: %(n)d variant created, %(updated)d updated.",
                        "Imported: %(n)d variants created, %(updated)d updated.",
                        result.created,
                    )
                    % {"n": result.created, "updated": result.updated},
                )
                return redirect("admin:catalog_variant_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import products and stock"),
            "form": form,
            "result": result,
            "columns": csv_io.COLUMNS,
            "required": csv_io.REQUIRED,
            "shop_currency": settings.SHOP_CURRENCY,
            # The shop's other currencies' columns (an example while it sells in one only).
            "price_columns": [
                f"{csv_io.PRICE_IN}{c}" for c in csv_io.price_currencies(Variant.objects.none())
            ]
            or [f"{csv_io.PRICE_IN}{'USD' if settings.SHOP_CURRENCY == 'EUR' else 'EUR'}"],
        }
        return TemplateResponse(request, "admin/catalog/variant_import.html", context)
