from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from markets.selectors import market_by_code, market_for_request
from shop.api.errors import ApiError

API_PREFIX = "/api/"


class MarketMiddleware:
    """`request.market`: worked out on first use (after the session and the user are known).

    The API takes the market as a parameter, `?market=<code>` (or the `Shop-Market` header):
    it answers in that market for that request only (remembered nowhere). An unknown code is
    refused with 422 when an operation first reads the market (so a method the path does not
    have is still a 405)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.market_param = None
        if request.path.startswith(API_PREFIX):
            code = request.GET.get("market") or request.headers.get("Shop-Market")
            if code:
                market = market_by_code(code[:30])
                request.market_param = request.market = (
                    market if market is not None else SimpleLazyObject(_unknown(code[:30]))
                )
                return self.get_response(request)
        request.market = SimpleLazyObject(lambda: market_for_request(request))
        return self.get_response(request)


def _unknown(code: str):
    def refuse():
        raise ApiError(
            422, "unknown_market", _("There is no market %(code)s.") % {"code": code}, "market"
        )

    return refuse
