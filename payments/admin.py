from django.contrib import admin

from payments.models import Payment, StripeEvent


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["stripe_payment_intent_id", "order", "amount", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["stripe_payment_intent_id", "order__number"]
    readonly_fields = [
        "order",
        "stripe_payment_intent_id",
        "amount",
        "status",
        "last_error",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["stripe_id", "type", "received_at", "processed_at", "result"]
    list_filter = ["type", "result"]
    search_fields = ["stripe_id"]
    readonly_fields = [
        "stripe_id",
        "type",
        "livemode",
        "payload",
        "received_at",
        "processed_at",
        "result",
        "error",
    ]

    def has_add_permission(self, request):
        return False
