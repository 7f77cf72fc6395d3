"""The regions (states, provinces, prefectures) of the countries whose addresses need one,
with their ISO 3166-2 codes, from pycountry's maintained copy of the standard.

An address in one of these countries must name its region, chosen from this list, never
typed: tax rates are set per region code (orders.TaxRate), so "New York", "NY" and a blank
would otherwise be three different places. Elsewhere the region is left empty.
"""

from __future__ import annotations

import functools
import unicodedata

import pycountry
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.countries import COUNTRIES, country_in_sentence

# Countries we ship to whose postal addresses carry a state, province or prefecture.
REGION_COUNTRIES = {
    "US": gettext_lazy("State"),
    "CA": gettext_lazy("Province"),
    "AU": gettext_lazy("State"),
    "MX": gettext_lazy("State"),
    "JP": gettext_lazy("Prefecture"),
}
# Not a place anyone receives post: the US Minor Outlying Islands.
EXCLUDED = {"US-UM"}


@functools.cache
def regions_of(country: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of the country's regions, by name; empty if it needs none."""
    if country not in REGION_COUNTRIES:
        return ()
    subdivisions = pycountry.subdivisions.get(country_code=country) or []
    return tuple(
        sorted(
            ((s.code, s.name) for s in subdivisions if s.parent_code is None)
            if any(s.parent_code is None for s in subdivisions)
            else ((s.code, s.name) for s in subdivisions),
            key=lambda pair: _fold(pair[1]),
        )
    )


def needs_region(country: str) -> bool:
    return bool(regions_of(country))


def is_region_of(code: str, country: str) -> bool:
    return code not in EXCLUDED and any(c == code for c, _ in regions_of(country))


@functools.cache
def _names() -> dict[str, str]:
    return {code: name for country in REGION_COUNTRIES for code, name in regions_of(country)}


def name_of(code: str) -> str:
    """The region's name for a code (`US-NY` → `New York`); anything else as it is."""
    return _names().get(code, code)


def choices(empty_label: str = gettext_lazy("Choose a state or province")) -> list:
    """Grouped choices for a select: one group per country that needs a region."""
    names = dict(COUNTRIES)
    return [
        ("", empty_label),
        *(
            (
                names.get(country, country),
                [(c, n) for c, n in regions_of(country) if c not in EXCLUDED],
            )
            for country in sorted(REGION_COUNTRIES, key=lambda c: names.get(c, c))
        ),
    ]


def _fold(text: str) -> str:
    """Lower case without accents or punctuation: "Québec" and "quebec" compare equal."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())


def match(country: str, text: str) -> str | None:
    """The region code a free-text region means (`NY`, `us-ny`, `New York`), or None."""
    wanted = _fold(text or "")
    if not wanted:
        return None
    for code, name in regions_of(country):
        if code in EXCLUDED:
            continue
        short = code.split("-", 1)[1]
        if wanted in (_fold(code), _fold(short), _fold(name)):
            return code
    return None


def clean_region(country: str, region: str) -> tuple[str, str]:
    """(region to store, error for the shopper) for a chosen country and region."""
    region = (region or "").strip()
    if not needs_region(country):
        return "", ""
    if not region:
        return "", _("Please choose the %(region)s.") % {"region": _in_sentence(country)}
    if not is_region_of(region, country):
        return "", _("Please choose a %(region)s of %(country)s.") % {
            "region": _in_sentence(country),
            "country": country_in_sentence(country),
        }
    return region, ""


def migrate_free_text(model, country_field: str, region_field: str, what: str) -> None:
    """For the migrations that brought in region codes: free-text regions become ISO 3166-2
    codes where they match one of the country's; the others are kept as they were and
    listed, for the merchant to fix. (`model` is the migration's historical model.)"""
    unmatched = []
    for row in model.objects.exclude(**{region_field: ""}).iterator():
        country, text = getattr(row, country_field), getattr(row, region_field)
        if not needs_region(country):
            continue
        if is_region_of(text, country):
            continue
        code = match(country, text)
        taken = (
            code
            and what == "tax rate"
            and model.objects.filter(**{country_field: country, region_field: code}).exists()
        )
        if code and not taken:
            setattr(row, region_field, code)
            row.save(update_fields=[region_field])
        else:
            unmatched.append(f"{what} {row.pk}: {country} {text!r}")
    if unmatched:
        print(f"\n  Regions that match no ISO 3166-2 code ({what}), kept as typed:")
        for line in unmatched:
            print(f"    {line}")


def _in_sentence(country: str) -> str:
    """The region's word inside a sentence: lower case in English ("a state"); German keeps
    its nouns' capital ("Bundesstaat")."""
    word = str(REGION_COUNTRIES[country])
    return word.lower() if (translation.get_language() or "en").startswith("en") else word
