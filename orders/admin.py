from django.contrib import admin
from django.db.models import Count

from orders.models import (
    Order,
    OrderEvent,
    OrderLine,
    Reservation,
    ShippingMethod,
    ShippingRate,
    TaxRate,
    Voucher,
)


class ShippingRateInline(admin.TabularInline):
    model = ShippingRate
    extra = 0


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "free_over", "countries", "is_active", "position"]
    list_editable = ["is_active", "position"]
    inlines = [ShippingRateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rates")

    @admin.display(description="Ships to")
    def countries(self, obj):
        rates = obj.rates.all()
        return ", ".join(r.country for r in rates) if rates else "Everywhere"


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ["country", "region", "name", "rate"]
    list_filter = ["country"]


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "kind",
        "value",
        "minimum_order",
        "valid_from",
        "valid_until",
        "uses",
        "usage_limit",
        "per_customer_limit",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("redemptions"))

    @admin.display(description="Used", ordering="use_count")
    def uses(self, obj):
        return obj.use_count


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = [
        "product_name",
        "variant_label",
        "sku",
        "unit_price",
        "quantity",
        "line_total",
        "refunded_quantity",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "message", "actor"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReservationInline(admin.TabularInline):
    model = Reservation
    extra = 0
    can_delete = False
    fields = ["variant", "quantity", "expires_at", "state"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "created_at", "email", "status", "total", "needs_attention"]
    list_filter = ["status", "needs_attention", "created_at"]
    search_fields = ["number", "email", "shipping_name"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, ReservationInline, OrderEventInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "status",
                    "needs_attention",
                    "email",
                    "user",
                    "created_at",
                    "paid_at",
                    "reservation_expires_at",
                ]
            },
        ),
        (
            "Totals",
            {
                "fields": [
                    "subtotal",
                    "discount_total",
                    "voucher_code",
                    "shipping_total",
                    "tax_total",
                    "tax_name",
                    "tax_rate",
                    "prices_include_tax",
                    "total",
                    "refunded_total",
                ]
            },
        ),
        (
            "Shipping",
            {
                "fields": [
                    "shipping_method_name",
                    "shipping_name",
                    "shipping_line1",
                    "shipping_line2",
                    "shipping_city",
                    "shipping_postcode",
                    "shipping_region",
                    "shipping_country",
                    "shipping_phone",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Everything an order says is a record of what happened; the merchant changes it only
        # through actions that write the event log. The flag is theirs to clear.
        fields = [f for _, options in self.fieldsets for f in options["fields"]]
        return [f for f in fields if f != "needs_attention"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
