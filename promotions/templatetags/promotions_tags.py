"""Sale prices on catalog pages (promotions/sale.py): the catalog's templates load these, so
the catalog's code knows nothing of promotions."""

from __future__ import annotations

import json

from django import template
from django.utils.safestring import mark_safe

from promotions.sale import Sale, sale_price
from shop.money import as_text

register = template.Library()


@register.filter
def card_sale(product) -> Sale | None:
    """The sale on a card's price ("from" price for a product with several). Listings do not
    load a product's category: the sale's categories are read as their products (sale.py)."""
    return sale_price(getattr(product, "price_from", None), product_id=product.pk, category_id=None)


@register.filter
def variant_sale(variant, product) -> Sale | None:
    """The sale on the chosen variant's price, on its product's page."""
    if variant is None or not variant:
        return None
    return sale_price(
        getattr(variant, "price", None),
        product_id=product.pk,
        category_id=product.category_id,
        variant_id=variant.pk,
    )


@register.filter
def variant_sales_json(product, variants) -> str:
    """{variant id: {"now", "was", "reason"}} for product.js, which shows the sale of the
    variant chosen (safe inside <script type=application/json>)."""
    sales = {}
    for variant in variants or ():
        sale = variant_sale(variant, product)
        if sale is not None:
            sales[variant.pk] = {
                "now": as_text(sale.now),
                "was": as_text(sale.was),
                "reason": sale.reason,
            }
    return mark_safe(  # noqa: S308 - escaped below: < > & cannot close the element
        json.dumps(sales, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
