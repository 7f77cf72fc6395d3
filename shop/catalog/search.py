"""Search: what a query matches and how it ranks, "did you mean", and the search box's
suggestions. PostgreSQL full text with typo correction (pg_trgm); on SQLite the same through
FTS5 (sqlite_search.py)."""

from __future__ import annotations

import difflib
import re

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Coalesce, Greatest, NullIf, Upper
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from shop.catalog import sqlite_search
from shop.catalog.images import thumbnail_url
from shop.catalog.models import Product, Variant
from shop.languages import shop_language
from shop.money import as_text as format_money

WORD = re.compile(r"[^\W_]+")
OPERATORS = re.compile(r'"|(?:^|\s)-\w|(?:^|\s)or(?:\s|$)', re.IGNORECASE)


def _words(query: str) -> list[str]:
    return WORD.findall(query.lower())


CORRECTIONS_SQL = """
SELECT typed.word, (
    SELECT known.word FROM catalog_searchword AS known
    WHERE known.word %% typed.word
    ORDER BY similarity(known.word, typed.word) DESC, known.word LIMIT 1
) FROM unnest(%s::text[]) AS typed(word)
"""


def corrections(words: list[str]) -> dict[str, str]:
    """For each word of four letters or more, the catalog word nearest to it (itself if it
    is one): one query over the short list of the catalog's words (pg_trgm)."""
    typed = [w for w in dict.fromkeys(words) if 4 <= len(w) <= 100]
    if not typed or connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(CORRECTIONS_SQL, [typed])
        return {word: known for word, known in cursor.fetchall() if known and known != word}


def _document() -> tuple[str, str]:
    """The active language's search document and text-search configuration (its stemming),
    English's for a language without one."""
    documents = Product.SEARCH_DOCUMENTS
    language = translation.get_language() or settings.LANGUAGE_CODE
    return documents.get(language.split("-")[0], documents[settings.LANGUAGE_CODE])


def search_filter(query: str) -> tuple[Q, object | None]:
    """What a search matches, and how to rank it (None on SQLite).

    PostgreSQL: the stored, weighted, stemmed document of the page's language ("mugs" finds
    Mug, "Bechern" Becher; Product.SEARCH_DOCUMENTS) with the web-search
    syntax (quotes, -word, or); without that syntax, also the last word as a prefix (a word
    being typed) and the words with their typos corrected to the nearest catalog words
    ("hoody" finds Hoodie, "stonware" Stoneware). An exact SKU always matches. All through
    GIN indexes. SQLite: the same through FTS5 (catalog/sqlite_search.py).
    """
    query = query.strip()[:200]
    words = _words(query)
    skus = (
        Variant.objects.annotate(upper_sku=Upper("sku"))
        .filter(upper_sku=query.upper())
        .values_list("product_id", flat=True)
    )
    looks_like_sku = any(ch.isdigit() for ch in query) and " " not in query
    if sqlite_search.in_use():
        match, rank = sqlite_search.search_filter(query, words, correct=not looks_like_sku)
        return match | Q(pk__in=skus), rank
    column, config = _document()
    web = SearchQuery(query, search_type="websearch", config=config)
    wanted = web
    if words and not OPERATORS.search(query):
        fixed = {} if looks_like_sku else corrections(words)
        typed = " & ".join([*words[:-1], words[-1] + ":*"])
        wanted = wanted | SearchQuery(typed, search_type="raw", config=config)
        if fixed:
            corrected = " & ".join(fixed.get(w, w) for w in words)
            wanted = wanted | SearchQuery(corrected, search_type="plain", config=config)
    rank = SearchRank(F(column), wanted)
    match = Q(**{column: wanted})  # a bitmap scan of the GIN index, filters and all
    if looks_like_sku:
        # An exact SKU, looked up first (the query typo correction is skipped for it):
        # an `OR id IN (subquery)` would turn the index scan into a full one.
        match |= Q(pk__in=list(skus))
    return match, rank


def _name_shown():
    language = shop_language()
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    return Coalesce(
        NullIf(F(f"name_{language}"), Value("")),
        F(f"name_{default}"),
        F("name"),
        output_field=CharField(),
    )


def did_you_mean(query: str, currency: str | None = None) -> list[str]:
    """On a miss: the product names and categories nearest to what was typed."""
    from shop.catalog import selectors  # selectors re-exports this module's names

    words = " ".join(_words(query))
    if len(words) < 3:
        return []
    suggestions: list[str] = []
    # Names as the page shows them: the active language's, else the default language's.
    listed = selectors.listed_products(currency).annotate(shown=_name_shown())
    if connection.vendor == "postgresql":
        scored = list(
            listed.annotate(
                similarity=Greatest(
                    TrigramSimilarity("shown", words), TrigramWordSimilarity(words, "shown")
                )
            )
            .filter(similarity__gte=0.3)
            .order_by("-similarity", "shown")
            .values_list("shown", "similarity")[:3]
        )
        # The nearest, and any about as near: not every name that shares a few letters.
        best = scored[0][1] if scored else 0
        suggestions = [name for name, similarity in scored if similarity >= best - 0.05]
    elif sqlite_search.in_use():  # the embedded shop's catalog: its names, scored alike
        names = list(listed.values_list("shown", flat=True))
        suggestions = sqlite_search.nearest_names(words, names)
    # Categories with something listed in the market: a suggestion never leads to an empty
    # page (nor to products the market does not sell).
    tree = selectors.category_tree()
    names = [c.name for c in tree.categories.values()]
    near = difflib.get_close_matches(query.strip().title(), names, n=2, cutoff=0.6)
    if near:
        chosen = [c for c in tree.categories.values() if c.name in near]
        listed = selectors.listed_products(currency).filter(
            category_id__in={pk for c in chosen for pk in tree.descendant_ids(c.pk)}
        )
        having = set(listed.values_list("category_id", flat=True).distinct())
        suggestions += [c.name for c in chosen if having & set(tree.descendant_ids(c.pk))]
    return list(dict.fromkeys(suggestions))[:4]


def suggestions(query: str, limit: int = 8, currency: str | None = None) -> list[dict]:
    """What the search box offers while the shopper types: products with their link, price
    and the smallest rendition of their photo (one query, the card's columns)."""
    from shop.catalog import selectors  # selectors re-exports this module's names

    if len(query.strip()) < 2:
        return []
    match, rank = search_filter(query)
    products = selectors.listed_products(currency).filter(match)
    products = products.annotate(rank=rank).order_by("-rank", "name") if rank else products
    found = products.only("name", "slug", "min_price", "max_price", "image")[:limit]
    return [
        {
            "name": p.name,
            "url": p.get_absolute_url(),
            "price": (
                _("from %(price)s") % {"price": format_money(p.price_from)}
                if p.has_price_range
                else format_money(p.price_from)
            ),
            "image": thumbnail_url(p.image),
        }
        for p in found
    ]
