"""The shopper's return page: the rules, then the form; the order page shows the outcome."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from orders import selectors as order_selectors
from returns import rules, services
from returns.exceptions import ReturnError
from returns.forms import ReturnForm


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
