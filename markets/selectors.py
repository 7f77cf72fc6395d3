"""Which market a shopper buys in.

In order: the market chosen in this session, else the signed-in account's saved market, else
a first guess from the browser's Accept-Language region (de-AT: a market selling to AT), else
the default market. At checkout the shipping address's country has the last word
(`market_for_country`), applied by the checkout.
"""

from __future__ import annotations

import contextlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction

from markets.models import CustomerMarket, Market

SESSION_KEY = "market"
_CACHE_KEY = "markets:all"
_CACHE_SECONDS = 60

# "de-AT,de;q=0.9,en;q=0.5": the language ranges, best first.
_RANGE = re.compile(r"^\s*([A-Za-z]{1,8})(?:[-_]([A-Za-z0-9]{1,8}))*\s*$")


# Each process keeps them a moment too: a page asks for them several times (its market, the
# selectors, the layout's key) and each ask was a round trip to Redis. A change shows in this
# process at once (forget_cached_markets) and in the others within LOCAL_SECONDS.
LOCAL_SECONDS = 2.0
_local: dict = {}


def active_markets() -> list[Market]:
    """Every active market (one query; kept a minute in the cache, cleared on a change)."""
    kept = _local.get("markets")
    if kept is not None and time.monotonic() - kept[0] < LOCAL_SECONDS:
        return kept[1]
    try:
        markets = cache.get(_CACHE_KEY)
    except Exception:  # the cache is down: read them
        markets = None
    if markets is None:
        markets = list(Market.objects.active())
        with contextlib.suppress(Exception):  # reading again next time is the fallback
            cache.set(_CACHE_KEY, markets, _CACHE_SECONDS)
    _local["markets"] = (time.monotonic(), markets)
    return markets


def forget_cached_markets() -> None:
    _local.clear()
    with contextlib.suppress(Exception):  # it expires within a minute anyway
        cache.delete(_CACHE_KEY)


def default_market() -> Market:
    markets = active_markets()
    found = next((m for m in markets if m.is_default), None)
    if found is None:
        found = ensure_default_market()
        forget_cached_markets()
        active_markets()  # read again now, with it: the next request finds them cached
    return found


def ensure_default_market() -> Market:
    """The default market; made from the settings (as the data migration makes it) when the
    database has none: one emptied by a test's flush, or built without the migrations' data."""
    found = Market.objects.filter(is_default=True).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Market.objects.create(
                name="Worldwide",
                code="world",
                currency=settings.SHOP_CURRENCY,
                countries=[],
                language=settings.LANGUAGE_CODE.split("-")[0],
                prices_include_tax=settings.PRICES_INCLUDE_TAX,
                is_default=True,
            )
    except IntegrityError:  # made by a parallel request meanwhile
        return Market.objects.get(is_default=True)


def market_by_code(code: str) -> Market | None:
    code = (code or "").strip().lower()
    return next((m for m in active_markets() if m.code == code), None)


def market_for_country(country: str) -> Market:
    """The market selling to this country; the default market for any other."""
    country = (country or "").strip().upper()
    return next((m for m in active_markets() if country in m.countries), None) or (default_market())


def market_for_currency(currency: str) -> Market:
    """A market selling in this currency (the default market's first): what a cart or order in
    that currency is priced and taxed by."""
    markets = active_markets()
    return (
        next(
            (
                m
                for m in sorted(markets, key=lambda m: not m.is_default)
                if m.price_currency == currency
            ),
            None,
        )
        or default_market()
    )


def guess_from_accept_language(header: str) -> Market | None:
    """The market of the first language range naming a region we sell to (de-AT: AT)."""
    ranges = []
    for position, part in enumerate((header or "")[:500].split(",")):
        tag, _sep, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        match = _RANGE.match(tag)
        if match and quality > 0:
            ranges.append((-quality, position, tag.strip()))
    for _quality, _position, tag in sorted(ranges):
        subtags = re.split(r"[-_]", tag)
        region = next((s.upper() for s in subtags[1:] if len(s) == 2 and s.isalpha()), None)
        if region:
            found = next((m for m in active_markets() if region in m.countries), None)
            if found is not None:
                return found
    return None


def market_for_request(request) -> Market:
    markets = {m.pk: m for m in active_markets()}
    session = getattr(request, "session", None)
    if session is not None:
        chosen = markets.get(session.get(SESSION_KEY))
        if chosen is not None:
            return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        saved = CustomerMarket.objects.filter(user=user).values_list("market_id", flat=True).first()
        if saved in markets:
            if session is not None:
                session[SESSION_KEY] = saved
            return markets[saved]
    guessed = guess_from_accept_language(request.headers.get("Accept-Language", ""))
    return guessed or default_market()


def language_after_choosing(request, market: Market) -> str | None:
    """The language to show a shopper who just chose `market`: the market's own, when it is
    one of the shop's languages and the shopper never chose a language themselves (with the
    language switcher, which sets Django's language cookie, or one saved on their account);
    else None: the pages stay in the language they are in."""
    if market.language not in dict(settings.LANGUAGES):
        return None
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "language", ""):
        return None
    return market.language
