from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from markets import services
from markets.forms import MarketForm


def _safe_next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def choose(request):
    """The header's and footer's selector: works without JavaScript, back to where it was."""
    form = MarketForm(request.POST)
    back = _safe_next(request, request.POST.get("next", ""))
    if not form.is_valid():
        for error in form.errors.get("market", []):
            messages.error(request, error)
        return redirect(back)
    market = form.cleaned_data["market"]
    notes = services.choose_market(request=request, market=market)
    messages.success(
        request,
        _("You are now shopping in %(market)s; prices are in %(currency)s.")
        % {"market": market.name, "currency": market.currency},
    )
    for note in notes:
        messages.warning(request, note)
    return redirect(back)
