"""The reviews on the product page (catalog/sections.py): the summary, the distribution,
one page of published reviews, newest or most helpful first, and how reviews are checked.

It is the same for every shopper and cached with the product page; what changes it bumps the
product's versions (services.py through catalog/services.py). One query: the page of reviews
(their number is the product's `rating_count`, kept with them)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reviews import selectors
from shop.catalog import sections

SORT_LABELS = {"newest": _("Newest first"), "helpful": _("Most helpful first")}


def _sort(value: str) -> str | None:
    return value if value in selectors.SORTS and value != selectors.DEFAULT_SORT else None


def _page(value: str) -> str | None:
    return value if value.isdigit() and 1 < int(value) <= 10**6 else None


def context(product, query) -> dict:
    sort = _sort(str(query.get("reviews_sort", ""))[:40]) or selectors.DEFAULT_SORT
    per_page = settings.REVIEWS_PER_PAGE
    count = product.rating_count or 0
    pages = max(1, -(-count // per_page))
    number = min(int(_page(str(query.get("reviews_page", ""))[:40]) or 1), pages)
    start = (number - 1) * per_page
    reviews = (
        list(selectors.published(product_id=product.pk, sort=sort)[start : start + per_page])
        if count
        else []
    )
    return {
        "product": product,
        "reviews": reviews,
        "sort": sort,
        "sorts": [
            (key, label, "" if key == selectors.DEFAULT_SORT else key)
            for key, label in SORT_LABELS.items()
        ],
        "page": number,
        "pages": pages,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < pages else None,
    }


def structured_data(context: dict) -> dict:
    """The reviews shown, as schema.org Reviews (only when the product has published ones:
    catalog/seo.py adds this beside its aggregateRating)."""
    return {
        "review": [
            {
                "@type": "Review",
                "name": review.title,
                "reviewBody": review.text,
                "datePublished": review.created_at.date().isoformat(),
                "author": {"@type": "Person", "name": str(review.shown_name)},
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": review.rating,
                    "bestRating": 5,
                    "worstRating": 1,
                },
            }
            for review in context["reviews"]
        ]
    }


def register() -> None:
    sections.register(
        sections.Section(
            name="reviews",
            template="reviews/_product_section.html",
            context=context,
            params={"reviews_sort": _sort, "reviews_page": _page},
            structured_data=structured_data,
        )
    )
