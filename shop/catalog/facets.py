"""The filters of a listing and their counts (facets).

Each filter is defined once, as a condition on a column of the product row (`Condition`, or
`OptionCondition` for the option values kept in `facet_values`), and rendered from that one
definition both ways: as an ORM filter for the listing's queryset (`Filters.queryset`) and as
SQL over the matching rows `m` for the grouped count query (`Filters.sql`, used by `facets`).
Only the option condition is written per database (JSON containment through the GIN index on
PostgreSQL, the quoted value in the JSON text on SQLite; `jsonb_array_elements_text` or
`json_each` in the counts), side by side in its class.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from shop.catalog.models import Product
from shop.money import exponent

# Price bands for the price filter: (lower bound included, upper bound excluded), in the
# listing's currency; a currency without a minor unit (JPY, KRW) counts them in hundreds.
PRICE_BANDS = [(0, 25), (25, 50), (50, 100), (100, 200), (200, None)]


def price_bands(currency: str | None = None) -> list[tuple[int, int | None]]:
    if currency and exponent(currency) == 0:
        return [(low * 100, None if high is None else high * 100) for low, high in PRICE_BANDS]
    return PRICE_BANDS


SQL_OPERATORS = {"gte": ">=", "lt": "<", "gt": ">", "in": "IN"}


@dataclass(frozen=True)
class Condition:
    """One filter on a column of the product row: `column lookup value`."""

    column: str
    lookup: str  # one of SQL_OPERATORS
    value: object

    def q(self) -> Q:
        return Q(**{f"{self.column}__{self.lookup}": self.value})

    def sql(self) -> tuple[str, list]:
        if self.lookup == "in":
            values = list(self.value) or [0]  # no id is 0: IN () is not SQL
            return f"m.{self.column} IN ({', '.join('%s' for _ in values)})", values
        return f"m.{self.column} {SQL_OPERATORS[self.lookup]} %s", [self.value]


IN_STOCK = Condition("units_available", "gt", 0)


@dataclass(frozen=True)
class OptionCondition:
    """Products having any of these values of one option type (OR), from `facet_values`
    (a JSON list of "type:value" strings)."""

    option_type: str
    values: tuple[str, ...]

    @property
    def wanted(self) -> list[str]:
        return [f"{self.option_type}:{value}" for value in self.values]

    def filter(self, products: QuerySet[Product]) -> QuerySet[Product]:
        either = Q()
        if connection.vendor == "postgresql":  # JSON containment, through the GIN index
            for wanted in self.wanted:
                either |= Q(facet_values__contains=[wanted])
            return products.filter(either)
        for wanted in self.wanted:  # SQLite: the quoted value in the JSON text
            either |= Q(facet_text__contains=json.dumps(wanted))
        return products.alias(facet_text=Cast("facet_values", TextField())).filter(either)

    def sql(self) -> tuple[str, list]:
        elements = (
            "jsonb_array_elements_text(m.facet_values) AS e(value)"
            if connection.vendor == "postgresql"
            else "json_each(m.facet_values) AS e"
        )
        chosen = ", ".join("%s" for _ in self.values)
        return f"EXISTS (SELECT 1 FROM {elements} WHERE e.value IN ({chosen}))", self.wanted  # noqa: S608


@dataclass
class Filters:
    """The filters of a category or search page, as parsed from its URL (catalog/forms.py)."""

    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    options: dict[str, list[str]] = field(default_factory=dict)  # type -> values (OR)
    category_ids: list[int] | None = None  # a sub-category chosen

    def conditions(self, *, without: str = "") -> list[Condition | OptionCondition]:
        """Every filter chosen but `without` ("price", "stock", "category", or
        "option:<type>"): a filter's own counts ignore itself, so each value shows what
        choosing it would give."""
        chosen: list[Condition | OptionCondition] = []
        if without != "price":
            if self.price_min is not None:
                chosen.append(Condition("list_min", "gte", self.price_min))
            if self.price_max is not None:
                chosen.append(Condition("list_min", "lt", self.price_max))
        if self.in_stock and without != "stock":
            chosen.append(IN_STOCK)
        if self.category_ids is not None and without != "category":
            chosen.append(Condition("category_id", "in", tuple(self.category_ids)))
        for option_type, values in self.options.items():
            if without != f"option:{option_type}" and values:
                chosen.append(OptionCondition(option_type, tuple(values)))
        return chosen

    def queryset(self, base: QuerySet[Product], *, without: str = "") -> QuerySet[Product]:
        """`base` narrowed by every filter but `without` (see `conditions`)."""
        products = base
        for condition in self.conditions(without=without):
            if isinstance(condition, OptionCondition):
                products = condition.filter(products)
            else:
                products = products.filter(condition.q())
        return products

    def sql(self, *, without: str = "") -> tuple[str, list]:
        """The same filters as SQL over the columns of the matching rows `m` (see `facets`)."""
        where, params = ["1 = 1"], []
        for condition in self.conditions(without=without):
            sql, values = condition.sql()
            where.append(sql)
            params.extend(values)
        return " AND ".join(where), params

    @property
    def active(self) -> bool:
        return bool(
            self.price_min is not None
            or self.price_max is not None
            or self.in_stock
            or any(self.options.values())
            or self.category_ids is not None
        )


@dataclass
class Facets:
    total: int = 0
    categories: dict[int, int] = field(default_factory=dict)
    price_bands: dict[int, int] = field(default_factory=dict)
    in_stock: int = 0
    options: dict[str, dict[str, int]] = field(default_factory=dict)


def facets(base: QuerySet[Product], filters: Filters, currency: str | None = None) -> Facets:
    """The result count and every filter value's count, in one query.

    The matching products are found once (a CTE over `base`), then counted in grouped
    selects joined by UNION ALL, each with every filter but its own. The SQL is built from
    fixed text and the ORM's compiled query with its parameters: no shopper's text in it.
    """
    postgres = connection.vendor == "postgresql"
    elements = (
        "jsonb_array_elements_text(m.facet_values) AS f(value)"
        if postgres
        else "json_each(m.facet_values) AS f"
    )
    band_cases = " ".join(
        f"WHEN m.list_min >= {low} AND m.list_min < {high} THEN '{i}'"
        if high is not None
        else f"WHEN m.list_min >= {low} THEN '{i}'"
        for i, (low, high) in enumerate(price_bands(currency))
    )
    base_sql, base_params = base.values(
        "pk", "category_id", "list_min", "units_available", "facet_values"
    ).query.sql_with_params()
    materialized = "MATERIALIZED " if postgres else ""
    parts, params = [], list(base_params)

    def part(
        select: str, without: str = "", extra_where: str = "", extra_params=(), group: str = ""
    ) -> None:
        where, where_params = filters.sql(without=without)
        if extra_where:
            where = f"{where} AND {extra_where}"
        parts.append(f"{select} WHERE {where}{group}")
        params.extend([*where_params, *extra_params])

    part("SELECT 'total' AS facet, '' AS value, COUNT(*) AS n FROM m")
    part(
        "SELECT 'category', CAST(m.category_id AS TEXT), COUNT(*) FROM m",
        "category",
        group=" GROUP BY m.category_id",
    )
    part(f"SELECT 'price', CASE {band_cases} END, COUNT(*) FROM m", "price", group=" GROUP BY 2")  # noqa: S608
    in_stock_sql, in_stock_params = IN_STOCK.sql()
    part("SELECT 'stock', '', COUNT(*) FROM m", "stock", in_stock_sql, in_stock_params)
    filtered_types = [t for t, values in filters.options.items() if values]
    not_filtered = " AND ".join("f.value NOT LIKE %s" for _ in filtered_types) or "1 = 1"
    where, where_params = filters.sql()
    parts.append(
        f"SELECT 'option', f.value, COUNT(*) FROM m, {elements} "  # noqa: S608
        f"WHERE {where} AND {not_filtered} GROUP BY f.value"
    )
    params.extend([*where_params, *(f"{t}:%" for t in filtered_types)])
    for option_type in filtered_types:
        where, where_params = filters.sql(without=f"option:{option_type}")
        parts.append(
            f"SELECT 'option', f.value, COUNT(*) FROM m, {elements} "  # noqa: S608
            f"WHERE {where} AND f.value LIKE %s GROUP BY f.value"
        )
        params.extend([*where_params, f"{option_type}:%"])
    sql = f"WITH m AS {materialized}({base_sql}) " + " UNION ALL ".join(parts)
    result = Facets()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for facet, key, count in rows:
        if facet == "total":
            result.total = count
        elif facet == "category":
            result.categories[int(key)] = count
        elif facet == "price" and key is not None:
            result.price_bands[int(key)] = count
        elif facet == "stock":
            result.in_stock = count
        elif facet == "option" and key and ":" in key:
            option_type, _colon, option_value = key.partition(":")
            result.options.setdefault(option_type, {})[option_value] = count
    return result
