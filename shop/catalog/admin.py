from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from shop.catalog import csv_io, selectors, services
from shop.catalog.cache import bump_catalog_version
from shop.catalog.listings import refresh_listings
from shop.catalog.models import Category, Product, ProductImage, Variant


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
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


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = [
        "sku",
        "options",
        "price",
        "stock_on_hand",
        "reserved",
        "track_stock",
        "allow_backorder",
        "position",
    ]
    readonly_fields = ["reserved"]

    @admin.display(description="Reserved")
    def reserved(self, obj):
        return obj.stock_reserved if obj.pk else 0


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["preview", "image", "alt_text", "position"]
    readonly_fields = ["preview"]

    @admin.display(description="")
    def preview(self, obj):
        if not obj.image:
            return ""
        return format_html('<img src="{}" style="height:48px">', obj.image.url)


def _save_variant(request, variant, refresh=True):
    try:
        services.save_variant(variant=variant, refresh=refresh)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_published", "variant_count", "updated_at"]
    list_filter = ["is_published", "category"]
    search_fields = ["name", "variants__sku"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VariantInline, ProductImageInline]

    @admin.display(description="Variants")
    def variant_count(self, obj):
        return obj.variants.count()

    def save_model(self, request, obj, form, change):
        if change:
            services.lock_variants_of(product_ids=[obj.pk])  # the checkouts' lock order
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_listings(product_ids=[form.instance.pk])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(bump_catalog_version)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Variant:
            return super().save_formset(request, form, formset, change)
        for variant in formset.save(commit=False):
            _save_variant(request, variant, refresh=False)  # save_related refreshes once
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
    file = forms.FileField(label="CSV file", help_text="UTF-8, comma-separated, with a header.")

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > 5 * 1024 * 1024:
                raise forms.ValidationError("The file is larger than 5 MB; split it.")
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(
                    "The file is not UTF-8 text; save it as CSV UTF-8."
                ) from error
        return data


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    """The stock list: every SKU with its stock editable in place."""

    list_display = [
        "sku",
        "product",
        "label",
        "price",
        "stock_on_hand",
        "stock_reserved",
        "track_stock",
        "allow_backorder",
    ]
    list_editable = ["stock_on_hand", "allow_backorder"]
    list_select_related = ["product"]
    list_filter = [LowStockFilter, "product__category"]
    search_fields = ["sku", "product__name"]
    readonly_fields = ["stock_reserved"]
    actions = ["export_csv"]
    change_list_template = "admin/catalog/variant_change_list.html"

    def save_model(self, request, obj, form, change):
        _save_variant(request, obj)

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

    @admin.action(description="Export selected as CSV")
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
                    "Imported: "
                    + ngettext("%(n)d variant created", "%(n)d variants created", result.created)
                    % {"n": result.created}
                    + f", {result.updated} updated.",
                )
                return redirect("admin:catalog_variant_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import products and stock",
            "form": form,
            "result": result,
            "columns": csv_io.COLUMNS,
            "required": csv_io.REQUIRED,
        }
        return TemplateResponse(request, "admin/catalog/variant_import.html", context)
