"""Stock refusals, counted where a shopper is refused for want of stock: adding to the cart
here (`cart`), and when the order is placed or paid (`checkout`, `payment`: orders/allocation.py,
above the cart). Declared by the lowest app that counts it."""

from __future__ import annotations

from prometheus_client import Counter

STOCK_REFUSALS = Counter(
    "shop_stock_refusals_total", "Adds and checkouts refused for want of stock.", ["where"]
)
