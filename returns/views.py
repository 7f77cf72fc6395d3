"""The shopper's return page: the rules, then the form; the order page shows the outcome."""

import contextlib

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from orders import selectors as order_selectors
from payments import gateway
from payments import services as payment_services
from payments.models import Payment
from returns import exchanges, rules, services
from returns.exceptions import ReturnError
from returns.forms import ReturnForm
from returns.models import ReturnRequest


@never_cache
def start(request, number):
    """Signed in, or through the order's signed link (its session remembers the order)."""
    order = order_selectors.order_for_viewer(request, number)
    eligibility = rules.eligibility(order)
    if not eligibility.allowed:
        return render(
            request,
            "returns/start.html",
            {"order": order, "eligibility": eligibility, "window_days": rules.window_days()},
            status=409 if request.method == "POST" else 200,
        )
    form = ReturnForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        eligibility=eligibility,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.request_return(
                order_id=order.pk,
                quantities=form.quantities(),
                reason_id=form.cleaned_data["reason"].pk,
                actor=request.user.get_username() if request.user.is_authenticated else order.email,
                comment=form.cleaned_data["comment"],
                kind=form.cleaned_data["kind"],
                replacements=form.replacements(),
                photos=form.cleaned_data["photos"],
            )
        except ReturnError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Thank you: we have your return request and will email you soon.")
            )
            return redirect(order)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "returns/start.html",
        {
            "order": order,
            "eligibility": eligibility,
            "form": form,
            "window_days": rules.window_days(),
        },
        status=status,
    )


def _owed_return(order, return_id: int):
    request = ReturnRequest.objects.filter(pk=return_id, order=order).first()
    if request is None:
        raise Http404("No such return")
    return request


@never_cache
def pay_difference(request, number, return_id):
    """The payment page for an exchange's dearer replacement (Stripe's Payment Element)."""
    order = order_selectors.order_for_viewer(request, number)
    owed_return = _owed_return(order, return_id)
    try:
        session = exchanges.start_difference_payment(
            return_id=owed_return.pk,
            actor=request.user.get_username() if request.user.is_authenticated else order.email,
        )
    except ReturnError as error:
        messages.info(request, str(error))
        return redirect(order)
    except gateway.StripeError:
        messages.error(
            request,
            _("We could not reach our payment provider. Please try again in a moment."),
        )
        return redirect(order)
    return render(
        request,
        "returns/pay_difference.html",
        {
            "order": order,
            "return": owed_return,
            "amount": exchanges.difference_owed(owed_return),
            "client_secret": session.client_secret,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "stripe_js": (
                static("payments/stripe-emulator.js")
                if settings.STRIPE_EMULATED
                else "https://js.stripe.com/v3/"
            ),
            "return_url": request.build_absolute_uri(
                reverse("returns:difference_paid", args=[order.number, owed_return.pk])
            ),
            "emulated": settings.STRIPE_EMULATED,
        },
    )


@never_cache
def difference_paid(request, number, return_id):
    """Where Stripe sends the shopper back: we ask Stripe what happened, never the browser."""
    order = order_selectors.order_for_viewer(request, number)
    owed_return = _owed_return(order, return_id)
    payment = Payment.objects.filter(
        order=order, stripe_payment_intent_id=owed_return.difference_payment_intent
    ).first()
    if payment is not None and payment.status != "succeeded":
        with contextlib.suppress(gateway.StripeError):  # then the webhook tells us
            payment_services.sync_payment_intent(payment=payment, source="return page")
    if exchanges.difference_paid(owed_return):
        messages.success(request, _("Thank you: the difference is paid."))
    return redirect(order)
