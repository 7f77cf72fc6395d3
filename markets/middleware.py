from django.utils.functional import SimpleLazyObject

from markets.selectors import market_for_request


class MarketMiddleware:
    """`request.market`: worked out on first use (after the session and the user are known)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.market = SimpleLazyObject(lambda: market_for_request(request))
        return self.get_response(request)
