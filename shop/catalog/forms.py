"""The filters and sort of category and search pages, read from the URL."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from shop.catalog.facets import Filters
from shop.catalog.selectors import SORTS

OPTION = re.compile(r"^[\w-]{1,40}:[^:]{1,80}$")


class ListingForm(forms.Form):
    """Everything in the query string, so a filtered page can be shared and the back button
    works. A value that makes no sense is reported and ignored, never a 500."""

    q = forms.CharField(required=False, max_length=200, strip=True)
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()))
    price_min = forms.DecimalField(
        required=False, min_value=0, max_digits=12, decimal_places=2, label=_("Lowest price")
    )
    price_max = forms.DecimalField(
        required=False, min_value=0, max_digits=12, decimal_places=2, label=_("Highest price")
    )
    price = forms.RegexField(
        required=False,
        regex=r"^\d{1,7}-(\d{1,7})?$",
        error_messages={"invalid": _("That price range is not valid.")},
    )
    in_stock = forms.BooleanField(required=False, label=_("In stock only"))
    o = forms.MultipleChoiceField(required=False, choices=[])
    cat = forms.SlugField(required=False, max_length=140)
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)

    def __init__(self, data, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Option values are free to the catalog; only their shape is checked here.
        self.fields["o"].choices = [(v, v) for v in data.getlist("o") if OPTION.match(v)]

    def clean(self):
        data = super().clean()
        band = data.get("price")
        if band:
            low, _dash, high = band.partition("-")
            data["price_min"] = Decimal(low)
            data["price_max"] = Decimal(high) if high else None
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The highest price must not be below the lowest."))
        return data

    def value(self, name, default=None):
        if not self.is_bound or name in self.errors:
            return default
        value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
        return default if value in (None, "", []) else value

    def filters(self, *, category_ids: list[int] | None = None) -> Filters:
        self.is_valid()
        options: dict[str, list[str]] = {}
        for chosen in self.value("o", []):
            option_type, _colon, option_value = chosen.partition(":")
            options.setdefault(option_type, []).append(option_value)
        return Filters(
            price_min=self.value("price_min"),
            price_max=self.value("price_max"),
            in_stock=bool(self.value("in_stock", False)),
            options=options,
            category_ids=category_ids,
        )

    def canonical_query(self, *, search: bool) -> QueryDict | None:
        """The query in one spelling (see `canonical`), or None when a value is not valid: the
        page then shows the problem and is not cached. A category page has no `q`."""
        if not self.is_valid():
            return None
        values = dict(self.cleaned_data)
        if values.get("price"):  # a band (what the filter panel sends) sets both bounds (clean)
            low, high = values.pop("price_min"), values.pop("price_max")
            values["price"] = f"{low:f}-" + ("" if high is None else f"{high:f}")
        if not search:
            values.pop("q", None)
        if values.get("page") == 1:
            values.pop("page")
        return canonical(values)

    @property
    def problems(self) -> list[str]:
        return [error for errors in self.errors.values() for error in errors]


def canonical(values: dict) -> QueryDict:
    """A page's query in one spelling: only the parameters the page reads, names sorted, each
    value written one way (a number without leading zeros or trailing decimals, a checkbox as
    "1", a list's values sorted, once each), empty ones left out. URLs that mean the same
    page give the same query, which is what catalog pages are built from and cached under
    (shop/catalog/pages.py): a made-up parameter or another spelling adds no cache entry."""
    query = QueryDict(mutable=True)
    for name in sorted(values):
        value = values[name]
        if value is None or value is False or value in ("", []):
            continue
        if value is True:
            spelled = ["1"]
        elif isinstance(value, Decimal):
            spelled = [format(value.normalize() + 0, "f")]
        elif isinstance(value, (list, tuple)):
            spelled = sorted({str(v) for v in value})
        else:
            spelled = [str(value)]
        query.setlist(name, spelled)
    query._mutable = False
    return query


OPTION_FIELD = re.compile(r"^option_([\w-]{1,60})$")


def option_choices(data) -> dict[str, int]:
    """The option values a product form posts ({"size": value id}), from fields named
    `option_<code>`; anything that is not a whole number is left out."""
    chosen = {}
    for key in list(data.keys())[:20]:
        match = OPTION_FIELD.match(key)
        value = str(data.get(key, ""))
        if match and value.isdigit() and len(value) < 19:
            chosen[match.group(1)] = int(value)
    return chosen
