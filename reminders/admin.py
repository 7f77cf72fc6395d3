"""The merchant's view of the reminders: alerts waiting and sent, carts left behind and their
reminders, recovered carts, opt-outs. Read-mostly: the shop decides, the merchant watches
(an alert can be cancelled, a preference changed on a shopper's word)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from reminders import services
from reminders.models import (
    CartContact,
    CartRecovery,
    CartReminder,
    EmailPreference,
    StockAlert,
    StockAlertBatch,
    Topic,
)


@admin.register(StockAlert)
class StockAlertAdmin(admin.ModelAdmin):
    list_display = ["email", "variant", "status", "confirmed_at", "notified_at"]
    list_filter = ["status"]
    search_fields = ["email", "variant__sku", "variant__product__name"]
    list_select_related = ["variant__product"]
    readonly_fields = [
        "variant",
        "email",
        "user",
        "language",
        "created_at",
        "confirmed_at",
        "expires_at",
        "notified_at",
        "batch",
    ]
    fields = [*readonly_fields[:4], "status", *readonly_fields[4:]]
    actions = ["cancel"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Cancel the selected alerts"))
    def cancel(self, request, queryset):
        count = queryset.filter(status__in=StockAlert.OPEN).update(
            status=StockAlert.Status.CANCELLED
        )
        self.message_user(request, _("%(count)d alerts cancelled.") % {"count": count})


@admin.register(StockAlertBatch)
class StockAlertBatchAdmin(admin.ModelAdmin):
    list_display = ["variant", "number", "units", "size", "created_at"]
    list_select_related = ["variant__product"]
    readonly_fields = ["variant", "number", "units", "size", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CartReminderInline(admin.TabularInline):
    model = CartReminder
    extra = 0
    can_delete = False
    readonly_fields = ["episode", "step", "code", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CartContact)
class CartContactAdmin(admin.ModelAdmin):
    """Carts with an address to write to (the abandoned carts)."""

    list_display = ["cart", "email", "country", "consented", "checkout_at", "episode", "sent"]
    list_filter = ["consented", "country"]
    search_fields = ["email"]
    readonly_fields = [
        "cart",
        "email",
        "country",
        "consented",
        "language",
        "checkout_at",
        "episode",
        "created_at",
    ]
    inlines = [CartReminderInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(reminders_sent=Count("reminders"))

    @admin.display(description=_("reminders sent"), ordering="reminders_sent")
    def sent(self, obj):
        return obj.reminders_sent

    def has_add_permission(self, request):
        return False


@admin.register(CartReminder)
class CartReminderAdmin(admin.ModelAdmin):
    list_display = ["contact", "step", "episode", "code", "created_at"]
    list_filter = ["step"]
    search_fields = ["contact__email"]
    list_select_related = ["contact"]
    readonly_fields = ["contact", "episode", "step", "code", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CartRecovery)
class CartRecoveryAdmin(admin.ModelAdmin):
    list_display = ["reminder", "restored_at", "order", "revenue"]
    readonly_fields = ["reminder", "cart", "restored_at", "order", "revenue"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin):
    """Opt-outs, by address."""

    list_display = ["email", "marketing", "back_in_stock", "abandoned_cart", "review_request"]
    list_filter = ["marketing", "back_in_stock", "abandoned_cart", "review_request"]
    search_fields = ["email"]
    readonly_fields = ["updated_at"]

    def save_model(self, request, obj, form, change):
        """Through the service: turning alerts off cancels the address's open alerts."""
        saved = services.set_preferences(
            email=obj.email,
            marketing=obj.marketing,
            topics={str(topic): getattr(obj, str(topic)) for topic in Topic},
        )
        obj.pk = saved.pk
