from markets.selectors import active_markets


def markets(request):
    """The selector's choices (read only by a page that shows the selector: a template calls
    the function) and the shopper's market (worked out on first use), for the header and
    footer."""

    def choices():
        found = active_markets()
        return found if len(found) > 1 else []

    return {"markets": choices, "market": getattr(request, "market", None)}
