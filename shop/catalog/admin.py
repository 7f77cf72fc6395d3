from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.html import format_html

from shop.catalog import services
from shop.catalog.models import Category, Product, ProductImage, Variant


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


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


def _save_variant(request, variant):
    try:
        services.save_variant(variant=variant)
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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Variant:
            return super().save_formset(request, form, formset, change)
        for variant in formset.save(commit=False):
            _save_variant(request, variant)
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

    def save_model(self, request, obj, form, change):
        _save_variant(request, obj)
