"""Search on SQLite (the embedded shop of `make run`): FTS5, as close to PostgreSQL's as it goes.

Two FTS5 tables, created by migration 0009 on SQLite only and written by
`listings.refresh_listings` in the same transaction as the product columns:

- `catalog_product_fts` (rowid = product id): the product's name, its categories, option
  values and SKUs, and its description, with the Porter stemmer over unicode61 words
  ("mugs" finds Mug, "clothing" finds the Clothing category), ranked by bm25 with the same
  order of weights as PostgreSQL's document (name, categories, description, the rest).
- `catalog_searchword_fts` (rowid = SearchWord id): the catalog's words with the trigram
  tokenizer. A typed word is corrected to the catalog word that shares most of its trigrams,
  scored as pg_trgm's `similarity` does (the same 0.3 threshold), so "hoody" finds Hoodie and
  "stonware" Stoneware as they do on PostgreSQL.

The web-search syntax is translated: "a phrase", -word (left out), `or`. Every word put into
an FTS5 expression is a run of letters and digits, quoted: no shopper's text is FTS syntax.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import FloatField, Q
from django.db.models.expressions import RawSQL

PRODUCTS = "catalog_product_fts"
WORDS = "catalog_searchword_fts"
# bm25 weights per column: name, categories, description, options and SKUs.
WEIGHTS = "10.0, 4.0, 2.0, 1.0"
SIMILARITY = 0.3  # pg_trgm.similarity_threshold's default

CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {PRODUCTS} USING fts5("
    "name, categories, description, rest, tokenize = 'porter unicode61 remove_diacritics 2')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {WORDS} USING fts5(word, tokenize = 'trigram')",
]
DROP = [f"DROP TABLE IF EXISTS {PRODUCTS}", f"DROP TABLE IF EXISTS {WORDS}"]

TOKEN = re.compile(r'"([^"]*)"|(-?)([^\W_]+)', re.UNICODE)
WORD = re.compile(r"[^\W_]+")


def in_use() -> bool:
    return connection.vendor == "sqlite"


# --- writing (listings.refresh_listings, inside the change's transaction) -------------------


def write_documents(documents: list[tuple[int, str, str, str, str]]) -> None:
    """(product id, name, categories, description, options and SKUs) for each product."""
    if not documents:
        return
    with connection.cursor() as cursor:
        ids = [d[0] for d in documents]
        marks = ", ".join("%s" for _ in ids)
        cursor.execute(f"DELETE FROM {PRODUCTS} WHERE rowid IN ({marks})", ids)  # noqa: S608
        cursor.executemany(
            f"INSERT INTO {PRODUCTS} (rowid, name, categories, description, rest) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s)",
            documents,
        )


def write_new_words() -> None:
    """The catalog words not yet in the trigram table (SearchWord rows are never changed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {WORDS} (rowid, word) SELECT id, word FROM catalog_searchword "  # noqa: S608
            f"WHERE id > (SELECT COALESCE(MAX(rowid), 0) FROM {WORDS})"
        )


def create_tables_and_fill(schema_editor) -> None:
    """Migration 0009, on SQLite: the tables, filled from what the products already hold."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in CREATE:
        schema_editor.execute(statement)
    schema_editor.execute(
        f"INSERT INTO {PRODUCTS} (rowid, name, categories, description, rest) "  # noqa: S608
        "SELECT id, name, '', description, search_text FROM catalog_product"
    )
    schema_editor.execute(
        f"INSERT INTO {WORDS} (rowid, word) SELECT id, word FROM catalog_searchword"  # noqa: S608
    )


def drop_tables(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


# --- reading -----------------------------------------------------------------------------------


def _trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    grams: set[str] = set()
    for word in WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    """pg_trgm's `similarity`: shared trigrams over all the trigrams of both."""
    first, second = _trigrams(a), _trigrams(b)
    return len(first & second) / len(first | second) if first and second else 0.0


def word_similarity(a: str, b: str) -> float:
    """Close to pg_trgm's `word_similarity`: the best similarity of `a` to a run of `b`'s
    words as long as `a`."""
    words = WORD.findall(b.lower())
    size = max(len(WORD.findall(a)), 1)
    runs = [" ".join(words[i : i + size]) for i in range(max(len(words) - size + 1, 1))]
    return max((similarity(a, run) for run in runs), default=0.0)


def corrections(words: list[str]) -> dict[str, str]:
    """For each word of four letters or more, the catalog word nearest to it (itself if it
    is one), when it is near enough: one query for the candidates sharing a trigram."""
    typed = [w for w in dict.fromkeys(words) if 4 <= len(w) <= 100]
    if not typed:
        return {}
    grams = sorted({g for w in typed for g in _trigrams(w) if " " not in g})
    if not grams:
        return {}
    expression = " OR ".join(f'"{g}"' for g in grams)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word FROM {WORDS} WHERE {WORDS} MATCH %s", [expression])  # noqa: S608
        known = [row[0] for row in cursor.fetchall()]
    fixed = {}
    for word in typed:
        scored = sorted(((similarity(k, word), k) for k in known), key=lambda s: (-s[0], s[1]))
        if word not in known and scored and scored[0][0] >= SIMILARITY:
            fixed[word] = scored[0][1]
    return fixed


def _quoted(words: list[str]) -> str:
    return " ".join(f'"{w}"' for w in words)


def web_expression(query: str) -> tuple[str, bool]:
    """The web-search syntax as an FTS5 expression, and whether any operator was used."""
    groups: list[list[str]] = [[]]  # OR of ANDs
    left_out: list[str] = []
    operators = False
    for phrase, minus, word in TOKEN.findall(query.lower()):
        if phrase:
            words = WORD.findall(phrase)
            operators = True
            if words:
                groups[-1].append(f'"{" ".join(words)}"')
        elif word == "or" and not minus:
            operators = True
            groups.append([])
        elif minus:
            operators = True
            left_out.append(f'"{word}"')
        else:
            groups[-1].append(f'"{word}"')
    either = [" AND ".join(g) for g in groups if g]
    if not either:
        return "", operators
    expression = " OR ".join(f"({e})" for e in either)
    if left_out:
        expression = f"({expression}) NOT ({' OR '.join(left_out)})"
    return expression, operators


def expression_for(query: str, words: list[str], *, correct: bool) -> str:
    """As PostgreSQL's search_filter: the web-search query, or, without operators, also the
    last word as a prefix (a word being typed) and the words with their typos corrected."""
    web, operators = web_expression(query)
    if not web:
        return ""
    alternatives = [f"({web})"]
    if words and not operators:
        alternatives.append(f'({_quoted(words[:-1])} "{words[-1]}"*)'.replace("( ", "("))
        fixed = corrections(words) if correct else {}
        if fixed:
            alternatives.append(f"({_quoted([fixed.get(w, w) for w in words])})")
    return " OR ".join(alternatives)


def search_filter(query: str, words: list[str], *, correct: bool) -> tuple[Q, RawSQL | None]:
    expression = expression_for(query, words, correct=correct)
    if not expression:
        return Q(pk__in=[]), None
    # Fixed SQL text; the shopper's words reach it only as the (quoted) MATCH parameter.
    matching = RawSQL(  # noqa: S611
        f"SELECT rowid FROM {PRODUCTS} WHERE {PRODUCTS} MATCH %s",  # noqa: S608
        [expression],
    )
    rank = RawSQL(  # noqa: S611
        f"SELECT -bm25({PRODUCTS}, {WEIGHTS}) FROM {PRODUCTS} "  # noqa: S608
        f"WHERE {PRODUCTS} MATCH %s AND {PRODUCTS}.rowid = catalog_product.id",
        [expression],
        output_field=FloatField(),
    )
    return Q(pk__in=matching), rank


def nearest_names(words: str, names: list[str], limit: int = 3) -> list[str]:
    """Product names as near to what was typed as PostgreSQL's did_you_mean finds them."""
    scored = sorted(
        ((max(similarity(name, words), word_similarity(words, name)), name) for name in names),
        key=lambda s: (-s[0], s[1]),
    )
    scored = [(score, name) for score, name in scored if score >= SIMILARITY][:limit]
    best = scored[0][0] if scored else 0
    return [name for score, name in scored if score >= best - 0.05]
