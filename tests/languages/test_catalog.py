"""The German catalog is complete, compiled and faithful: every string of the English catalog
translated (plurals too, nothing fuzzy), its placeholders kept, and the committed .mo the
compiled .po (a fresh machine may have no msgfmt, and `make run` must speak German)."""

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

pytestmark = pytest.mark.markets

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = [ROOT / "locale", ROOT / "accounts/allauth_voice/locale"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%%|\{\w+\}")


def _catalog(folder: Path, language: str):
    with open(folder / language / "LC_MESSAGES/django.po", "rb") as po:
        return read_po(po, locale=language)


def _key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def test_every_english_string_has_its_german():
    english = _catalog(ROOT / "locale", "en")
    german = {_key(m): m for m in _catalog(ROOT / "locale", "de") if m.id}
    missing, untranslated = [], []
    for message in english:
        if not message.id:
            continue
        found = german.get(_key(message))
        if found is None:
            missing.append(_key(message))
        elif found.fuzzy or not all(
            found.string if isinstance(found.string, tuple) else (found.string,)
        ):
            untranslated.append(_key(message))
    assert missing == [], "run make messages: these are not in the German catalog"
    assert untranslated == [], "translate these (see the glossary atop the German .po)"


@pytest.mark.parametrize("folder", CATALOGS, ids=["shop", "allauth_voice"])
def test_placeholders_are_kept(folder):
    changed = []
    for message in _catalog(folder, "de"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if sorted(PLACEHOLDER.findall(string)) != wanted and not (
                # German may drop the count from a plural's singular ("Ein Produkt").
                len(ids) == 2 and set(PLACEHOLDER.findall(string)) <= set(wanted)
            ):
                changed.append((ids[0], string))
    assert changed == []


@pytest.mark.parametrize("folder", CATALOGS, ids=["shop", "allauth_voice"])
def test_the_committed_mo_is_the_compiled_po(folder):
    """What Django reads (the .mo) says exactly what the .po says: run
    `manage.py compilemessages` after editing a .po."""
    with open(folder / "de/LC_MESSAGES/django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for message in _catalog(folder, "de"):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            got = (
                compiled.ngettext(message.id[0], message.id[1], 1),
                compiled.ngettext(message.id[0], message.id[1], 2),
            )
            if got != tuple(message.string[:2]):
                stale.append(message.id[0])
        elif compiled.gettext(message.id) != message.string:
            stale.append(message.id)
    assert stale == []


def test_the_glossary_heads_the_german_catalog():
    """Whoever translates the next strings finds the terms chosen (Warenkorb, Kasse…)."""
    head = (ROOT / "locale/de/LC_MESSAGES/django.po").read_text().split('msgid ""')[0]
    for term in ("Warenkorb", "Zur Kasse", "In den Warenkorb", "Versand", "Sie"):
        assert term in head
