from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from giftcards import selectors as giftcard_selectors
from markets.models import Market
from orders import regions, services
from orders.admin_forms import CARRIERS, ShipForm
from orders.exceptions import CheckoutError, FulfilmentError
from orders.forms import RegionField
from orders.models import (
    Order,
    OrderEvent,
    OrderLine,
    Reservation,
    ShippingMethod,
    ShippingMethodPrice,
    ShippingRate,
    TaxRate,
    Voucher,
    VoucherPrice,
)
from shop.admin_labels import LabelledInlineFormSet, LabelledListEditableMixin
from shop.admin_money import MONEY_IN_SHOP_CURRENCY
from shop.money import as_text


class ShippingRateInline(admin.TabularInline):
    formfield_overrides = MONEY_IN_SHOP_CURRENCY
    formset = LabelledInlineFormSet
    model = ShippingRate
    extra = 0


class MarketCurrencyForm(forms.ModelForm):
    """A price row in one of the other markets' currencies (chosen, never typed)."""

    currency = forms.ChoiceField(label=_("currency"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = sorted({m.currency for m in Market.objects.filter(is_default=False)})
        if self.instance.pk and self.instance.currency not in codes:
            codes.append(self.instance.currency)
        self.fields["currency"].choices = [("", "---------"), *((c, c) for c in codes)]


class ShippingMethodPriceInline(admin.TabularInline):
    """Its price and free-over threshold in the other markets' currencies, for every country
    or for one (a country rate in that currency); without one, the method is not offered in
    that market."""

    model = ShippingMethodPrice
    form = MarketCurrencyForm
    formset = LabelledInlineFormSet
    fields = ["currency", "country", "price", "free_over"]
    extra = 0


class VoucherPriceInline(admin.TabularInline):
    """A fixed amount and a minimum order need a row for each other market's currency for the
    code to work there; a percentage code without a minimum works everywhere."""

    model = VoucherPrice
    form = MarketCurrencyForm
    formset = LabelledInlineFormSet
    fields = ["currency", "value", "minimum_order"]
    extra = 0


@admin.register(ShippingMethod)
class ShippingMethodAdmin(LabelledListEditableMixin, TranslationAdmin):
    formfield_overrides = MONEY_IN_SHOP_CURRENCY
    list_display = ["name", "price", "free_over", "countries", "is_active", "position"]
    list_editable = ["is_active", "position"]
    inlines = [ShippingRateInline, ShippingMethodPriceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rates")

    @admin.display(description=_("Ships to"))
    def countries(self, obj):
        rates = obj.rates.all()
        return ", ".join(r.country for r in rates) if rates else "Everywhere"


class TaxRateForm(forms.ModelForm):
    region = RegionField(
        label=_("Region"),
        help_text=_("Empty for the whole country; else one of its states or provinces."),
    )

    class Meta:
        model = TaxRate
        fields = ["country", "region", "name", "rate"]


@admin.register(TaxRate)
class TaxRateAdmin(TranslationAdmin):
    form = TaxRateForm
    list_display = ["country", "region_name", "name", "rate"]
    list_filter = ["country"]

    @admin.display(description=_("Region"), ordering="region")
    def region_name(self, obj):
        if not obj.region:
            return gettext("Whole country")
        if not regions.is_region_of(obj.region, obj.country):
            return gettext("⚠ %(region)r is not a region code: choose one") % {"region": obj.region}
        return f"{regions.name_of(obj.region)} ({obj.region})"

    def changelist_view(self, request, extra_context=None):
        unknown = [
            rate
            for rate in TaxRate.objects.exclude(region="")
            if not regions.is_region_of(rate.region, rate.country)
        ]
        if unknown:
            messages.warning(
                request,
                ngettext(
                    "%(n)d tax rate names a region that is not an ISO 3166-2 code of its "
                    "country, so no address matches it: %(rates)s. Open it and choose its region.",
                    "%(n)d tax rates name a region that is not an ISO 3166-2 code of their "
                    "country, so no address matches them: %(rates)s. Open each and choose its "
                    "region.",
                    len(unknown),
                )
                % {
                    "n": len(unknown),
                    "rates": ", ".join(f"{r.country} {r.region!r}" for r in unknown),
                },
            )
        return super().changelist_view(request, extra_context)


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    formfield_overrides = MONEY_IN_SHOP_CURRENCY
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
    inlines = [VoucherPriceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("redemptions"))

    @admin.display(description=_("Used"), ordering="use_count")
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
    list_filter = ["status", "needs_attention", "market", "currency", "created_at"]
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
                    "payment_method",
                    "reservation_expires_at",
                    "carrier",
                    "tracking_number",
                    "tracking_url",
                    "shipped_at",
                    "delivered_at",
                ]
            },
        ),
        (
            "Totals",
            {
                "fields": [
                    "market",
                    "currency",
                    "subtotal",
                    "discount_total",
                    "voucher_code",
                    "shipping_total",
                    "tax_total",
                    "tax_name",
                    "tax_rate",
                    "prices_include_tax",
                    "total",
                    "prepaid_total",
                    "gift_cards_and_credit",
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
                    "shipping_region_name",
                    "shipping_country",
                    "shipping_phone",
                ]
            },
        ),
    ]

    change_form_template = "admin/orders/order_change_form.html"
    actions = ["mark_delivered", "resend_confirmation"]

    def get_urls(self):
        return [
            path(
                "<int:order_id>/ship/",
                self.admin_site.admin_view(self.ship_view),
                name="orders_order_ship",
            ),
            *super().get_urls(),
        ]

    def ship_view(self, request, order_id):
        """Mark shipped: carrier and tracking number, then the shopper is emailed."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        order = get_object_or_404(Order, pk=order_id)
        form = ShipForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.mark_shipped(
                    order_id=order.pk, actor=request.user.get_username(), **form.cleaned_data
                )
            except FulfilmentError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    gettext("Order %(number)s is shipped; the shopper is emailed.")
                    % {"number": order.number},
                )
                return redirect(reverse("admin:orders_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": order,
            "title": gettext("Ship order %(number)s") % {"number": order.number},
            "order": order,
            "form": form,
            "carriers": CARRIERS,
        }
        return TemplateResponse(request, "admin/orders/ship_form.html", context)

    def _each(self, request, queryset, action, done):
        """Apply `action` to each order; `done` says how many were (ngettext_lazy on "n")."""
        ok, failed = 0, []
        for order in queryset.order_by("pk"):
            try:
                action(order_id=order.pk, actor=request.user.get_username())
                ok += 1
            except (FulfilmentError, CheckoutError) as error:
                failed.append(str(error))
        if ok:
            messages.success(request, done % {"n": ok})
        for error in failed:
            messages.error(request, error)

    @admin.action(description=_("Mark delivered"))
    def mark_delivered(self, request, queryset):
        self._each(
            request,
            queryset,
            services.mark_delivered,
            ngettext_lazy("%(n)d order marked delivered.", "%(n)d orders marked delivered.", "n"),
        )

    @admin.action(description=_("Send the confirmation email again"))
    def resend_confirmation(self, request, queryset):
        self._each(
            request,
            queryset,
            services.resend_confirmation,
            ngettext_lazy(
                "%(n)d order confirmed again by email.",
                "%(n)d orders confirmed again by email.",
                "n",
            ),
        )

    @admin.display(description=_("Gift cards and store credit"))
    def gift_cards_and_credit(self, obj):
        """What its gift cards and store credit paid, gave back or were refunded (the
        ledger's rows naming the order; only a card's last four characters)."""
        rows = [
            (e.get_kind_display(), e.gift_card or _("Store credit"), as_text(e.amount_money))
            for e in giftcard_selectors.prepaid_entries_of_order(obj.pk)
        ]
        return format_html_join(mark_safe("<br>"), "{}: {} {}", rows) if rows else "—"

    def get_readonly_fields(self, request, obj=None):
        # Everything an order says is a record of what happened; the merchant changes it only
        # through actions that write the event log. The flag is theirs to clear.
        fields = [f for _, options in self.fieldsets for f in options["fields"]]
        return [f for f in fields if f != "needs_attention"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
