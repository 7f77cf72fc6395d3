"""What search engines and link previews read: the sitemap, robots.txt, and a product's
structured data (schema.org Product with its offers, and the breadcrumb trail)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext

from shop.catalog.models import Category
from shop.catalog.selectors import sold_somewhere
from shop.money import money

# Pages that are a shopper's own or a merchant's: nothing for a search engine there.
DISALLOWED = ["/admin/", "/cart/", "/checkout/", "/account/", "/accounts/", "/orders/",
              "/payments/", "/dev/", "/search/suggest/", "/reviews/", "/wishlist/"]  # fmt: skip


class ShopSitemap(Sitemap):
    """Absolute links on SHOP_URL, whatever host the crawler asked; each page once per
    language (settings.LANGUAGES), with its `hreflang` alternates and x-default (English)."""

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SHOP_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SHOP_URL).netloc


class ProductSitemap(ShopSitemap):
    """Each product some active market sells, in every language (/p/mug/ and /de/p/mug/,
    each naming the other as its alternate)."""

    changefreq = "daily"
    priority = 0.8

    def items(self):
        return sold_somewhere().only("slug", "updated_at").order_by("pk")

    def lastmod(self, product):
        return product.updated_at


class CategorySitemap(ShopSitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return Category.objects.only("slug").order_by("pk")


SITEMAPS = {"products": ProductSitemap, "categories": CategorySitemap}


def robots_txt(request):
    admin = "/" + settings.ADMIN_URL
    lines = ["User-agent: *"]
    prefixes = [""] + [f"/{c}" for c, _n in settings.LANGUAGES if c != settings.LANGUAGE_CODE]
    private = [f"{prefix}{path}" for prefix in prefixes for path in DISALLOWED]
    lines += [f"Disallow: {path}" for path in dict.fromkeys([admin, *private])]
    lines += ["", f"Sitemap: {settings.SHOP_URL}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


def description(text: str, fallback: str = "") -> str:
    return Truncator(" ".join(strip_tags(text or fallback).split())).chars(160)


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else f"{settings.SHOP_URL}{url}"


AVAILABILITY = {
    "in": "https://schema.org/InStock",
    "backorder": "https://schema.org/BackOrder",
    "out": "https://schema.org/OutOfStock",
}


def _availability(variant) -> str:
    if variant.on_backorder:
        return AVAILABILITY["backorder"]
    return AVAILABILITY["in"] if variant.available > 0 else AVAILABILITY["out"]


def product_structured_data(product, variants, images, extra: dict | None = None) -> str:
    """JSON-LD: the Product with one Offer per variant (or an AggregateOffer when the prices
    differ), and the BreadcrumbList of its category. Its aggregateRating only when approved
    reviews exist, from the same columns the page shows; `extra`: what the page's sections add
    (the reviews shown, catalog/sections.py)."""
    url = absolute(product.get_absolute_url())
    currency = variants[0].price.currency.code if variants else settings.SHOP_CURRENCY
    offers = [
        {
            "@type": "Offer",
            "sku": v.sku,
            "price": f"{money(v.price.amount, currency).amount}",
            "priceCurrency": currency,
            "availability": _availability(v),
            "url": f"{url}?variant={v.sku}",
            "itemCondition": "https://schema.org/NewCondition",
        }
        for v in variants
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": description(product.description, product.name),
        "url": url,
        "image": [absolute(i.image.url) for i in images],
        "category": product.category.name,
    }
    prices = {o["price"] for o in offers}
    if len(offers) == 1:
        data["sku"] = offers[0]["sku"]
        data["offers"] = offers[0]
    elif len(prices) > 1:
        data["offers"] = {
            "@type": "AggregateOffer",
            "priceCurrency": currency,
            "lowPrice": min(prices, key=lambda p: float(p)),
            "highPrice": max(prices, key=lambda p: float(p)),
            "offerCount": len(offers),
            "availability": AVAILABILITY["in"]
            if any(o["availability"] != AVAILABILITY["out"] for o in offers)
            else AVAILABILITY["out"],
            "offers": offers,
        }
    elif offers:
        data["offers"] = offers
    if product.rating_count and product.rating_average is not None:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": product.rating_shown,
            "reviewCount": product.rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
        data.update(extra or {})
    crumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": 1,
                "name": gettext("Home"),
                "item": absolute(reverse("catalog:home")),
            },
            {
                "@type": "ListItem",
                "position": 2,
                "name": product.category.name,
                "item": absolute(product.category.get_absolute_url()),
            },
            {"@type": "ListItem", "position": 3, "name": product.name, "item": url},
        ],
    }
    return _json_ld(data) + _json_ld(crumbs)


def _json_ld(data: dict) -> str:
    # Escaped for a <script> element: no "</script>" or "<!--" can close it early.
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/ld+json">{text}</script>'
