"""The merchant's returns queue: open returns first, each with the step it waits for —
approve or decline, count what arrived, refund (or retry a refund Stripe refused), ship an
exchange's replacement, close. Each step is one service call; errors are shown as messages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from moneyed import Money

from orders import totals
from orders.models import Order
from returns import admin_forms, exchanges, refunding, services
from returns.exceptions import ReturnError
from returns.models import OPEN, ReturnLine, ReturnPhoto, ReturnReason, ReturnRequest
from shop.money import as_text

Status = ReturnRequest.Status


@admin.register(ReturnReason)
class ReturnReasonAdmin(TranslationAdmin):
    list_display = ["name", "needs_photos", "is_active", "position"]
    list_editable = ["needs_photos", "is_active", "position"]


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = [
        "order_line",
        "quantity",
        "quantity_received",
        "quantity_sellable",
        "restocked",
        "replacement_variant",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReturnPhotoInline(admin.TabularInline):
    model = ReturnPhoto
    extra = 0
    can_delete = False
    fields = ["preview", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def preview(self, photo):
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" width="160"></a>',
            photo.image.url,
            photo.image.url,
            gettext("Photo sent by the shopper"),
        )

    def has_add_permission(self, request, obj=None):
        return False


# (step name, form, who may take it, service call, success message)
STEPS = ["approve", "decline", "receive", "refund", "ship", "close"]


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "order_link",
        "status",
        "kind",
        "reason",
        "created_at",
        "attention",
    ]
    list_filter = ["status", "kind", "reason"]
    search_fields = ["order__number", "order__email"]
    inlines = [ReturnLineInline, ReturnPhotoInline]
    change_form_template = "admin/returns/return_change_form.html"
    readonly_fields = [
        "order_link",
        "status",
        "kind",
        "reason",
        "comment",
        "instructions",
        "label_url",
        "decline_reason",
        "rules_overridden",
        "overridden_by",
        "requested_by",
        "refund_shipping",
        "refunded_amount",
        "refund_error",
        "price_difference",
        "difference_is_paid",
        "replacement_carrier",
        "replacement_tracking_number",
        "replacement_shipped_at",
        "created_at",
        "decided_at",
        "received_at",
        "refunded_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        # The queue: open returns first (oldest waiting first), then the rest, newest first.
        return (
            super()
            .get_queryset(request)
            .select_related("order", "reason")
            .annotate(
                waiting=Case(
                    When(status__in=OPEN, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("waiting", "created_at")
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("return"), ordering="pk")
    def number(self, obj):
        return obj.number

    @admin.display(description=_("order"), ordering="order__number")
    def order_link(self, obj):
        url = reverse("admin:orders_order_change", args=[obj.order_id])
        return format_html('<a href="{}">{}</a>', url, obj.order.number)

    @admin.display(description=_("difference paid"), boolean=True)
    def difference_is_paid(self, obj):
        if exchanges.difference_owed(obj) is None:
            return None
        return exchanges.difference_paid(obj)

    @admin.display(description=_("needs you"), boolean=True)
    def attention(self, obj):
        return bool(obj.refund_error) or obj.status in (Status.REQUESTED, Status.RECEIVED)

    def get_urls(self):
        return [
            path(
                "<int:return_id>/step/<str:step>/",
                self.admin_site.admin_view(self.step_view),
                name="returns_returnrequest_step",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = {"steps": self._steps(obj)} if obj is not None else {}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def _steps(self, obj: ReturnRequest) -> list[tuple[str, str]]:
        offered = []
        if obj.status == Status.REQUESTED:
            offered += [("approve", gettext("Approve")), ("decline", gettext("Decline"))]
        if obj.status == Status.APPROVED:
            offered += [("receive", gettext("Mark received"))]
        owed_back = obj.price_difference is not None and obj.price_difference < 0
        if obj.status == Status.RECEIVED and (obj.kind == ReturnRequest.Kind.REFUND or owed_back):
            label = gettext("Retry the refund") if obj.refund_error else gettext("Refund")
            offered += [("refund", label)]
        if (
            obj.status == Status.RECEIVED
            and obj.kind == ReturnRequest.Kind.EXCHANGE
            and obj.replacement_shipped_at is None
        ):
            offered += [("ship", gettext("Ship the replacement"))]
        if obj.can_move_to(Status.CLOSED):
            offered += [("close", gettext("Close"))]
        return offered

    def _form(self, step, obj, data):
        if step == "approve":
            return admin_forms.ApproveForm(data)
        if step == "decline":
            return admin_forms.DeclineForm(data)
        if step == "receive":
            return admin_forms.ReceiveForm(data, request=obj)
        if step == "refund":
            return admin_forms.RefundForm(data)
        if step == "ship":
            return admin_forms.ShipReplacementForm(data)
        return admin_forms.CloseForm(data)

    def _take(self, step, obj, form, actor) -> str:
        data = form.cleaned_data
        if step == "approve":
            services.approve(return_id=obj.pk, actor=actor, **data)
            return gettext("Return %(number)s approved; the shopper is emailed.")
        if step == "decline":
            services.decline(return_id=obj.pk, actor=actor, reason=data["reason"])
            return gettext("Return %(number)s declined; the shopper is emailed.")
        if step == "receive":
            services.receive(return_id=obj.pk, actor=actor, counts=form.counts())
            return gettext("Return %(number)s received; sellable units are back in stock.")
        if step == "refund":
            done = refunding.refund_return(return_id=obj.pk, actor=actor, **data)
            if done.status != Status.REFUNDED:
                return gettext("The refund of return %(number)s is under way at Stripe.")
            return gettext("Return %(number)s refunded; the shopper is emailed.")
        if step == "ship":
            exchanges.ship_replacements(return_id=obj.pk, actor=actor, **data)
            return gettext("The replacement of return %(number)s is shipped.")
        services.close(return_id=obj.pk, actor=actor, note=data["note"])
        return gettext("Return %(number)s closed.")

    def step_view(self, request, return_id, step):
        if step not in STEPS:
            raise PermissionDenied
        if not self.has_change_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(ReturnRequest.objects.select_related("order"), pk=return_id)
        form = self._form(step, obj, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                message = self._take(step, obj, form, request.user.get_username())
            except ReturnError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, message % {"number": obj.number})
                return redirect(reverse("admin:returns_returnrequest_change", args=[obj.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": dict(self._steps(obj)).get(step, step),
            "form": form,
            "step": step,
            "refund_preview": self._refund_preview(obj) if step == "refund" else None,
        }
        return TemplateResponse(request, "admin/returns/step_form.html", context)

    def _refund_preview(self, obj: ReturnRequest) -> dict:
        if obj.kind == ReturnRequest.Kind.EXCHANGE:
            difference = -(obj.price_difference or 0)
            return {"difference": as_text(Money(difference, obj.order.currency))}
        lines = {
            line.order_line_id: line.quantity_received
            for line in obj.lines.all()
            if line.quantity_received
        }
        goods = totals.refund_for_lines(obj.order, lines) if lines else None
        return {
            "goods": as_text(goods) if goods is not None else "",
            "shipping": as_text(totals.refund_for_shipping(obj.order)),
            "shipping_refunded": refunding.shipping_refunded(obj.order),
        }


class ReturnRequestInline(admin.TabularInline):
    """The order's returns on its admin page, each linking to its own page."""

    model = ReturnRequest
    extra = 0
    can_delete = False
    fields = ["link", "status", "kind", "reason", "refunded_amount", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("return"))
    def link(self, obj):
        url = reverse("admin:returns_returnrequest_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.number)

    def has_add_permission(self, request, obj=None):
        return False


# The order page (orders' admin, as payments extends it) gains its returns and a "Start a
# return" page: orders know nothing of returns, so returns extends it, as payments does.
BaseOrderAdmin = type(admin.site._registry[Order])
admin.site.unregister(Order)


@admin.register(Order)
class OrderAdmin(BaseOrderAdmin):
    inlines = [*BaseOrderAdmin.inlines, ReturnRequestInline]
    change_form_template = "admin/returns/order_change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:order_id>/start-return/",
                self.admin_site.admin_view(self.start_return_view),
                name="orders_order_start_return",
            ),
            *super().get_urls(),
        ]

    def start_return_view(self, request, order_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        order = get_object_or_404(Order, pk=order_id)
        form = admin_forms.StaffReturnForm(
            request.POST if request.method == "POST" else None, order=order
        )
        if request.method == "POST" and form.is_valid():
            try:
                created = services.request_return(
                    order_id=order.pk,
                    quantities=form.quantities(),
                    reason_id=form.cleaned_data["reason"].pk,
                    actor=request.user.get_username(),
                    comment=form.cleaned_data["comment"],
                    kind=form.cleaned_data["kind"],
                    override=form.cleaned_data["override"],
                )
            except ReturnError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, gettext("Return %(number)s started.") % {"number": created.number}
                )
                return redirect(reverse("admin:returns_returnrequest_change", args=[created.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": ReturnRequest._meta,
            "original": order,
            "order": order,
            "title": gettext("Start a return of order %(number)s") % {"number": order.number},
            "form": form,
        }
        return TemplateResponse(request, "admin/returns/start_return.html", context)
