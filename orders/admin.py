from django.contrib import admin

from orders.models import Order, OrderEvent, OrderLine, Reservation, ShippingMethod


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "is_active", "position"]
    list_editable = ["is_active", "position"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ["product_name", "variant_label", "sku", "unit_price", "quantity", "line_total"]
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
    readonly_fields = [
        "number",
        "user",
        "email",
        "status",
        "currency",
        "subtotal",
        "shipping_total",
        "total",
        "shipping_method_name",
        "reservation_expires_at",
        "paid_at",
        "created_at",
        "updated_at",
        "shipping_name",
        "shipping_line1",
        "shipping_line2",
        "shipping_city",
        "shipping_postcode",
        "shipping_country",
        "shipping_phone",
    ]
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
        ("Totals", {"fields": ["subtotal", "shipping_total", "total"]}),
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
                    "shipping_country",
                    "shipping_phone",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
