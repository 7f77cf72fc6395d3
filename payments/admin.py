import uuid
from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from moneyed import Money

from orders import services as order_services
from orders.admin import OrderAdmin as BaseOrderAdmin
from orders.exceptions import CheckoutError, RefundError
from orders.models import Order
from payments import refunds
from payments.forms import CONFIRM_MAX_AGE, RefundConfirmForm, RefundForm, sign_refund
from payments.models import Payment, Refund, StripeEvent
from shop.money import as_text, money

CANCEL_SALT = "payments.cancel-and-refund"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = [
        "stripe_payment_intent_id",
        "status",
        "amount",
        "amount_refunded",
        "dispute_status",
        "last_error",
        "created_at",
    ]


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ["created_at", "amount", "status", "reason", "actor", "stripe_refund_id"]


admin.site.unregister(Order)


@admin.register(Order)
class OrderAdmin(BaseOrderAdmin):
    """The order page with its payments and refunds, and a Refund button."""

    inlines = [*BaseOrderAdmin.inlines, PaymentInline, RefundInline]
    change_form_template = "admin/payments/order_change_form.html"
    actions = [*BaseOrderAdmin.actions, "cancel_and_refund"]

    @admin.action(description=_("Cancel (release or restock) and refund if paid"))
    def cancel_and_refund(self, request, queryset):
        """First what each order will give back and to whom; the merchant confirms, then
        each order is cancelled and refunded the amount they saw, or left as it is if that
        changed meanwhile."""
        orders = list(queryset.order_by("pk"))
        if request.POST.get("confirmation") is None:
            return self._review_cancel_and_refund(request, orders)
        try:
            confirmed = signing.loads(
                request.POST["confirmation"], salt=CANCEL_SALT, max_age=CONFIRM_MAX_AGE
            )
        except signing.BadSignature:
            messages.error(
                request,
                gettext("This confirmation was changed or is too old; nothing was done."),
            )
            return None
        actor = request.user.get_username()
        for order in orders:
            if str(order.pk) not in confirmed:
                continue  # not among the orders the merchant reviewed
            self._cancel_and_refund_one(request, order, actor, confirmed[str(order.pk)])
        return None

    def _review_cancel_and_refund(self, request, orders):
        rows = []
        for order in orders:
            payment = order.payments.filter(status="succeeded").first()
            left = payment.refundable if payment and order.is_paid else None
            rows.append((order, payment, left))
        confirmation = signing.dumps(
            {str(o.pk): str(left.amount) if left is not None else None for o, _, left in rows},
            salt=CANCEL_SALT,
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Cancel and refund these orders?"),
            "rows": rows,
            "confirmation": confirmation,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/payments/cancel_and_refund_confirm.html", context)

    def _cancel_and_refund_one(self, request, order, actor, left_then):
        was_paid = order.is_paid
        expected = Money(Decimal(left_then), order.currency) if left_then is not None else None
        if was_paid:
            payment = order.payments.filter(status="succeeded").first()
            if expected is None or payment is None or payment.refundable != expected:
                messages.error(
                    request,
                    gettext(
                        "Order %(number)s changed since you reviewed it, so it was left as it "
                        "is. Review it again."
                    )
                    % {"number": order.number},
                )
                return
        try:
            order_services.cancel_order(order_id=order.pk, actor=actor, reason="")
        except CheckoutError as error:
            messages.error(request, str(error))
            return
        if not was_paid:
            messages.success(
                request,
                gettext("Order %(number)s cancelled; its stock is free.")
                % {"number": order.number},
            )
            return
        try:
            made = refunds.refund(
                order_id=order.pk,
                actor=actor,
                reason=gettext("Your order was cancelled."),
                idempotency_key=f"cancel-{order.number}",
                expected_left=expected,
            )
        except RefundError as error:
            messages.error(
                request,
                gettext(
                    "Order %(number)s cancelled and restocked, but the refund failed: "
                    "%(error)s It is flagged; refund it from its page."
                )
                % {"number": order.number, "error": error},
            )
        else:
            messages.success(
                request,
                gettext("Order %(number)s cancelled, restocked and refunded %(amount)s.")
                % {"number": order.number, "amount": as_text(made.amount)},
            )

    def get_urls(self):
        return [
            path(
                "<int:order_id>/refund/",
                self.admin_site.admin_view(self.refund_view),
                name="orders_order_refund",
            ),
            *super().get_urls(),
        ]

    def refund_view(self, request, order_id):
        """Two steps: the form, then what will be refunded, to whom, for the merchant to
        confirm. Only the confirmation (a signed copy of what they reviewed) moves money."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        order = get_object_or_404(Order, pk=order_id)
        if request.method == "POST" and "confirmation" in request.POST:
            return self._confirm_refund(request, order)
        payment = order.payments.filter(status="succeeded").first()
        form = RefundForm(order, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                plan = refunds.plan_refund(
                    order_id=order.pk,
                    amount=form.cleaned_data["refund_amount"],
                    lines=form.cleaned_data["refund_lines"],
                    to_store_credit=form.cleaned_data["to_store_credit"],
                )
            except RefundError as error:
                form.add_error(None, str(error))
            else:
                return self._review_refund(
                    request,
                    plan,
                    form.cleaned_data["reason"],
                    to_store_credit=form.cleaned_data["to_store_credit"],
                )
        context = {
            **self._refund_context(request, order),
            "payment": payment,
            "form": form,
            # gift cards and store credit paid part of it (or all): refundable without a card
            "prepaid_left": (
                money(order_services.prepaid_left(order_id=order.pk), order.currency)
                if order.prepaid_total.amount
                else None
            ),
        }
        return TemplateResponse(request, "admin/payments/refund_form.html", context)

    def _refund_context(self, request, order):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": order,
            "title": gettext("Refund order %(number)s") % {"number": order.number},
            "order": order,
        }

    def _review_refund(self, request, plan, reason, *, to_store_credit=False):
        confirmation = sign_refund(
            to_store_credit=to_store_credit,
            order_id=plan.order.pk,
            amount=plan.amount,
            left=plan.left,
            lines={line.pk: units for line, units, _ in plan.lines},
            reason=reason,
            key=f"refund-{uuid.uuid4().hex}",
        )
        context = {
            **self._refund_context(request, plan.order),
            "title": gettext("Confirm the refund of order %(number)s")
            % {"number": plan.order.number},
            "plan": plan,
            "reason": reason,
            "confirmation": confirmation,
        }
        return TemplateResponse(request, "admin/payments/refund_confirm.html", context)

    def _confirm_refund(self, request, order):
        form = RefundConfirmForm(order, request.POST)
        back = reverse("admin:orders_order_refund", args=[order.pk])
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["confirmation"]))
            return redirect(back)
        confirmed = form.cleaned_data["confirmation"]
        try:
            made = refunds.refund(
                order_id=order.pk,
                actor=request.user.get_username(),
                reason=confirmed["reason"],
                amount=None if confirmed["lines"] else confirmed["amount"],
                lines=confirmed["lines"],
                idempotency_key=confirmed["key"],
                expected_left=confirmed["left"],
                to_store_credit=confirmed["to_store_credit"],
            )
        except RefundError as error:
            messages.error(request, str(error))
            return redirect(back)
        if made.status == Refund.Status.SUCCEEDED:
            messages.success(
                request,
                gettext("Refunded %(amount)s; the shopper is emailed.")
                % {"amount": as_text(made.amount)},
            )
        else:
            messages.warning(
                request,
                gettext("Refund of %(amount)s is %(status)s.")
                % {
                    "amount": as_text(made.amount),
                    "status": made.get_status_display().lower(),
                },
            )
        return redirect(reverse("admin:orders_order_change", args=[order.pk]))


class RecordAdmin(admin.ModelAdmin):
    """A record of what Stripe and we did: read, never written or deleted by hand. Refunds
    are made from the order's page, through Stripe."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(RecordAdmin):
    list_display = [
        "stripe_payment_intent_id",
        "order",
        "amount",
        "status",
        "amount_refunded",
        "dispute_status",
        "created_at",
    ]
    list_filter = ["status", "dispute_status"]
    search_fields = ["stripe_payment_intent_id", "stripe_charge_id", "order__number"]


@admin.register(Refund)
class RefundAdmin(RecordAdmin):
    list_display = ["created_at", "order", "amount", "status", "actor", "automatic"]
    list_filter = ["status", "automatic"]
    search_fields = ["order__number", "stripe_refund_id"]


@admin.register(StripeEvent)
class StripeEventAdmin(RecordAdmin):
    list_display = ["stripe_id", "type", "received_at", "processed_at", "result"]
    list_filter = ["type", "result"]
    search_fields = ["stripe_id"]
