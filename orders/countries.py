"""Countries we ship to (ISO 3166-1 alpha-2), for the address form, named in the shopper's
language."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

COUNTRIES = [
    ("AU", _("Australia")), ("AT", _("Austria")), ("BE", _("Belgium")), ("CA", _("Canada")),
    ("CH", _("Switzerland")), ("CZ", _("Czechia")), ("DE", _("Germany")), ("DK", _("Denmark")),
    ("ES", _("Spain")), ("FI", _("Finland")), ("FR", _("France")), ("GB", _("United Kingdom")),
    ("IE", _("Ireland")), ("IT", _("Italy")), ("JP", _("Japan")), ("KW", _("Kuwait")),
    ("MX", _("Mexico")), ("NL", _("Netherlands")), ("NO", _("Norway")), ("NZ", _("New Zealand")),
    ("PL", _("Poland")), ("PT", _("Portugal")), ("SE", _("Sweden")), ("SG", _("Singapore")),
    ("US", _("United States")),
]  # fmt: skip


def country_in_sentence(code: str) -> str:
    """The country's name as a sentence needs it: "the United States" in English."""
    name = str(dict(COUNTRIES).get(code, code))
    if (translation.get_language() or "en").startswith("en") and name.startswith("United "):
        return f"the {name}"
    return name
