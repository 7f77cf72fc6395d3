"""Changing the shopper's market: one transaction, then the `market_changed` signal, which the
cart answers by re-pricing itself in the new currency (the cart is a layer above)."""

from __future__ import annotations

from django.db import transaction

from markets.models import CustomerMarket, Market
from markets.selectors import SESSION_KEY
from markets.signals import market_changed


def choose_market(*, request, market: Market) -> list[str]:
    """Remember the market in the session and on the account; returns the notes for the
    shopper that the change caused (lines re-priced or removed)."""
    notes: list[str] = []
    with transaction.atomic():
        request.session[SESSION_KEY] = market.pk
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            CustomerMarket.objects.update_or_create(user=user, defaults={"market": market})
        request.market = market
        for _receiver, answer in market_changed.send(sender=Market, request=request, market=market):
            notes.extend(answer or [])
    return notes
