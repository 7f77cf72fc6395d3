"""The orders' own metrics, declared by the app that counts them (shop/metrics.py keeps the
app-neutral registry, the request metrics and `count_on_commit`)."""

from __future__ import annotations

from prometheus_client import Counter

ORDERS = Counter("shop_orders_total", "Orders, by what happened to them.", ["event"])
