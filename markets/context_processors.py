from markets.selectors import active_markets


def markets(request):
    """The selector's choices (read only by a page that shows the selector: a template calls
    the function) and the shopper's market (worked out on first use), for the header and
    footer."""

    def choices():
        found = active_markets()
        return found if len(found) > 1 else []

    def key() -> str:
        # What the selectors show: the shopper's market and every market's name and currency
        # (the layout is kept per key: shop/templatetags/layout.py).
        market = getattr(request, "market", None)
        shown = ";".join(f"{m.pk}:{m.code}:{m.name}:{m.currency}" for m in choices())
        return f"{market.code if market is not None else '-'}|{shown}"

    return {"markets": choices, "market": getattr(request, "market", None), "markets_key": key}
