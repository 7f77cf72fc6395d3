from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from markets import services
from markets.forms import MarketForm
from markets.selectors import language_after_choosing


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
    # A shopper who never chose a language gets the market's (Europe: German), on the same
    # page under its prefix; the messages are written in the language they will read.
    language = language_after_choosing(request, market)
    if language is not None:
        back = _in_language(back, language)
    with translation.override(language or translation.get_language()):
        notes = services.choose_market(request=request, market=market)
        messages.success(
            request,
            _("You are now shopping in %(market)s; prices are in %(currency)s.")
            % {"market": market.name, "currency": market.currency},
        )
    for note in notes:
        messages.warning(request, note)
    return redirect(back)


def _in_language(target: str, language: str) -> str:
    """The same page under `language`'s prefix ("/cart/" -> "/de/cart/"), its query kept; an
    address that is no page of ours stays as it is."""
    path_language = (
        translation.get_language_from_path(urlsplit(target).path) or settings.LANGUAGE_CODE
    )
    with translation.override(path_language):
        return translate_url(target, language)
