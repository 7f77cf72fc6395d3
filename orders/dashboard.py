"""The merchant's dashboard in the admin: sales, orders by status, best sellers, low stock."""

from decimal import Decimal

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse

from orders import selectors
from shop.catalog.selectors import low_stock_variants
from shop.money import money

CHART_HEIGHT = 160

# More figures for the dashboard, from apps orders cannot import (the abandoned-cart
# reminders' revenue recovered): the site adds them (shop/urls.py). Each is called with no
# arguments and gives {"title", "value", "note"}, value already formatted.
FIGURES: list = []


def add_figure(figure) -> None:
    if figure not in FIGURES:
        FIGURES.append(figure)


def _chart(currency: str, days: list[dict]) -> dict:
    peak = max((Decimal(d["total"]) for d in days), default=Decimal(0)) or Decimal(1)
    width = 100 / len(days)
    bars = [
        {
            **d,
            "total": money(d["total"], currency),
            "x": round(i * width, 3),
            "width": round(width * 0.8, 3),
            "height": round(float(Decimal(d["total"]) / peak) * CHART_HEIGHT, 1),
        }
        for i, d in enumerate(days)
    ]
    for bar in bars:
        bar["y"] = round(CHART_HEIGHT - bar["height"], 1)
    return {
        "currency": currency,
        "bars": bars,
        "sales_total": money(sum((Decimal(d["total"]) for d in days), Decimal(0)), currency),
        "orders_total": sum(d["orders"] for d in days),
    }


def dashboard(request):
    """Sales in each currency on its own chart: amounts in different currencies are never
    added together (a euro is not a dollar), only counted side by side."""
    series = selectors.sales_by_currency(days=30) or {
        settings.SHOP_CURRENCY: selectors.sales_by_day(days=30)
    }
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "charts": [_chart(currency, days) for currency, days in series.items()],
        "chart_height": CHART_HEIGHT,
        "by_status": selectors.orders_by_status(),
        "top_products": selectors.top_products(days=30),
        "low_stock": list(low_stock_variants()[:20]),
        "figures": [figure() for figure in FIGURES],
    }
    return TemplateResponse(request, "admin/dashboard.html", context)
