import json

from django.http import HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from markets.selectors import market_by_code, market_for_request

API_PREFIX = "/api/"


class MarketMiddleware:
    """`request.market`: worked out on first use (after the session and the user are known).

    The API takes the market as a parameter, `?market=<code>` (or the `Shop-Market` header):
    it answers in that market for that request only (remembered nowhere); an unknown code is
    refused with 422 before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.market_param = None
        if request.path.startswith(API_PREFIX):
            code = request.GET.get("market") or request.headers.get("Shop-Market")
            if code:
                market = market_by_code(code[:30])
                if market is None:
                    return _unknown_market(code[:30])
                request.market_param = market
                request.market = market
                return self.get_response(request)
        request.market = SimpleLazyObject(lambda: market_for_request(request))
        return self.get_response(request)


def _unknown_market(code: str) -> HttpResponse:
    body = {
        "errors": [
            {
                "code": "unknown_market",
                "message": _("There is no market %(code)s.") % {"code": code},
                "field": "market",
            }
        ]
    }
    return HttpResponse(json.dumps(body), status=422, content_type="application/json")
