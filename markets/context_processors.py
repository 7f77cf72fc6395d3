from markets.selectors import active_markets


def markets(request):
    """The selector's choices and the shopper's market, for the header and footer."""
    markets = active_markets()
    return {
        "markets": markets if len(markets) > 1 else [],
        "market": getattr(request, "market", None),
    }
