import json
import logging

import stripe
from django.conf import settings
from django.contrib import messages
from django.db.models import OuterRef
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders import checkout as checkout_rules
from orders.selectors import order_for_viewer
from payments import emulator_bridge, event_shapes, events, gateway, services
from payments import metrics as payment_metrics
from payments.exceptions import PaymentNotPossible
from payments.outcomes import WebhookOutcome
from shop.catalog.selectors import variant_photo

logger = logging.getLogger(__name__)


@never_cache  # Back after paying must ask again, not show a live form for a paid order.
def pay(request, number):
    """The payment page: Stripe's Payment Element for this order's PaymentIntent."""
    order = order_for_viewer(request, number)
    overdue = order.hold_ran_out
    order = checkout_rules.order_as_of_now(order=order)
    if overdue and order.status == order.Status.EXPIRED:
        messages.info(
            request,
            _(
                "This order was not paid in time, so its items were released. "
                "Your cart is still there if you want to check out again."
            ),
        )
        return redirect(order)
    if not order.is_payable:
        return redirect(order)
    try:
        session = services.start_payment(order_id=order.pk)
    except PaymentNotPossible as error:
        messages.error(request, str(error))
        return redirect(order)
    except gateway.StripeError:
        logger.exception("Could not start the payment of order %s", order.number)
        messages.error(
            request,
            _(
                "We could not reach our payment provider. Please try again in "
                "a moment; your order is kept."
            ),
        )
        return render(request, "payments/unavailable.html", {"order": order}, status=503)
    return render(
        request,
        "payments/pay.html",
        {
            "order": order,
            "lines": order.lines.annotate(image_path=variant_photo(OuterRef("variant_id"))),
            "client_secret": session.client_secret,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "stripe_js": (
                static("payments/stripe-emulator.js")
                if settings.STRIPE_EMULATED
                else "https://js.stripe.com/v3/"
            ),
            "return_url": request.build_absolute_uri(
                reverse("payments:return", args=[order.number])
            ),
            "emulated": settings.STRIPE_EMULATED,
        },
    )


@never_cache
def payment_return(request, number):
    """Where Stripe sends the shopper back. We ask Stripe what happened, never the browser."""
    order = order_for_viewer(request, number)
    intent_id = request.GET.get("payment_intent", "")
    payment = order.payments.filter(stripe_payment_intent_id=intent_id).first()
    # Already final (the webhook was first): Stripe would only tell us what we know.
    if payment is not None and payment.status not in services.FINAL_STATUSES:
        try:
            services.sync_payment_intent(payment=payment, source="return page")
        except gateway.StripeError:
            logger.warning("Could not check %s on return; the webhook will tell us", intent_id)
    order.refresh_from_db()
    if order.is_payable and request.GET.get("redirect_status") == "failed":
        messages.error(request, _("Your payment did not go through. Please try another card."))
        return redirect("payments:pay", number=order.number)
    return redirect(order)


@csrf_exempt  # Stripe cannot send a CSRF token; the signature is what we trust.
@require_POST
def stripe_webhook(request):
    # Stripe sends JSON. Any other body is refused unread: a form's fields have been read
    # already (by the NUL check), so its raw body is no longer there to verify.
    if request.content_type != "application/json":
        payment_metrics.WEBHOOK_EVENTS.labels("unknown", WebhookOutcome.REFUSED.metric_label).inc()
        return HttpResponseBadRequest("the body is not JSON")
    try:
        event = gateway.construct_event(request.body, request.headers.get("Stripe-Signature", ""))
    except (ValueError, UnicodeDecodeError, stripe.SignatureVerificationError):
        payment_metrics.WEBHOOK_EVENTS.labels("unknown", WebhookOutcome.REFUSED.metric_label).inc()
        return HttpResponseBadRequest("invalid payload or signature")
    problem = event_shapes.problem_with(event)
    if problem:
        logger.warning("Refused a signed but malformed Stripe event: %s", problem)
        payment_metrics.WEBHOOK_EVENTS.labels("unknown", WebhookOutcome.REFUSED.metric_label).inc()
        return HttpResponseBadRequest(f"malformed Stripe event: {problem}")
    result = events.record_and_apply(event)
    payment_metrics.WEBHOOK_EVENTS.labels(
        payment_metrics.event_type(event.get("type")), WebhookOutcome.of(result).metric_label
    ).inc()
    return JsonResponse({"received": True, "result": result})


@require_POST
def emulator_confirm(request):
    """The Stripe.js stand-in's back door to the emulator. Absent unless emulated."""
    if not settings.STRIPE_EMULATED:
        raise Http404
    try:
        data = json.loads(request.body)
        if not isinstance(data, dict) or not isinstance(data.get("client_secret"), str):
            raise ValueError("no client secret")
        client_secret = data["client_secret"]
        if "\x00" in client_secret or len(client_secret) > 255:
            raise ValueError("not a client secret")
        if "authenticate" in data:
            result = emulator_bridge.authenticate(
                client_secret=client_secret, success=bool(data["authenticate"])
            )
        else:
            result = emulator_bridge.confirm_with_card(
                client_secret=client_secret,
                number="".join(str(data["number"]).split()),
                exp_month=int(data["exp_month"]),
                exp_year=int(data["exp_year"]),
                cvc=str(data["cvc"]),
            )
    except (ValueError, KeyError, TypeError, OverflowError):
        return JsonResponse(
            {
                "error": {
                    "type": "validation_error",
                    "message": _("Your card details are incomplete."),
                }
            },
            status=400,
        )
    except emulator_bridge.BridgeError as error:
        return JsonResponse({"error": {"type": error.kind, "message": str(error)}}, status=402)
    return JsonResponse(result)
