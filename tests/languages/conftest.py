"""A small shop written in both languages, and the English a German page must not show."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from moneyed import Money

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
PLACEHOLDER_OR_TAG = re.compile(r"%\(\w+\)[sdr]|%%|\{\w+\}|<[^>]+>|%s")


@pytest.fixture
def german_shop(db):
    """A kitchen with a mug (German names for everything a shopper reads), a sold-out lamp,
    a shipping method, the shop's pages, and a shopper with an address."""
    from accounts.models import Address
    from orders.models import TaxRate
    from shop.catalog.listings import refresh_listings
    from shop.catalog.models import OptionType, OptionValue
    from shop.catalog.options import set_variant_options
    from shop.content import demo as content_demo
    from tests.factories import (
        CategoryFactory,
        ProductFactory,
        ShippingMethodFactory,
        UserFactory,
        VariantFactory,
    )

    shopper = UserFactory(email="kundin@example.com")
    Address.objects.create(
        user=shopper, name="Ada Lovelace", line1="Hauptstraße 1", city="Berlin",
        postcode="10115", country="DE", is_default=True,
    )  # fmt: skip
    ShippingMethodFactory(name_en="Standard", name_de="Standardversand", price=Money("5.00", "USD"))
    kitchen = CategoryFactory(
        name_en="Home & Kitchen", name_de="Haus & Küche", slug="kitchen",
        description_en="Things.", description_de="Dinge.",
    )  # fmt: skip
    mug = ProductFactory(
        name_en="Stoneware Mug", name_de="Steingutbecher", slug="mug", category=kitchen,
        description_en="Hand-glazed.", description_de="Von Hand glasiert.",
    )  # fmt: skip
    mug_forest = VariantFactory(product=mug, sku="MUG-1", stock_on_hand=20)
    # Its colour: a value with a German label (the key "Forest" stays English), and the
    # German VAT's name (an order to Berlin pays it).
    colour = OptionType.objects.create(
        code="colour", name_en="Colour", name_de="Farbe", display=OptionType.SWATCHES
    )
    forest = OptionValue.objects.create(
        option_type=colour, value="Forest", label_de="Waldgrün", swatch="#2f5d50"
    )
    mug.option_types.add(colour)
    set_variant_options(variant=mug_forest, values=[forest])
    TaxRate.objects.create(country="DE", name_en="VAT", name_de="MwSt.", rate="0.19")
    lamp = ProductFactory(
        name_en="Brass Lamp", name_de="Messinglampe", slug="lamp", category=kitchen,
        description_en="Warm light.", description_de="Warmes Licht.",
    )  # fmt: skip
    VariantFactory(product=lamp, sku="LAMP-1", stock_on_hand=0)
    refresh_listings(product_ids=[mug.pk, lamp.pk])
    content_demo.load()
    return shopper


def _catalog(path: Path, language: str):
    with open(path / language / "LC_MESSAGES/django.po", "rb") as po:
        return read_po(po, locale=language)


def english_phrases() -> list[str]:
    """Each piece of fixed English text the shop writes (a msgid cut at its placeholders and
    tags), when its German is different: on a German page, any of them is a string left
    untranslated. The shop's allauth wording (accounts/allauth_voice) too."""
    german = {
        (m.id[0] if isinstance(m.id, tuple) else m.id): m.string
        for m in _catalog(ROOT / "locale", "de")
        if m.id
    }
    phrases = set()
    for message in _catalog(ROOT / "locale", "en"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        translated = german.get(ids[0]) or ""
        translated = " ".join(translated) if isinstance(translated, tuple) else translated
        for text in ids:
            pieces = PLACEHOLDER_OR_TAG.split(text)
            for piece in pieces:
                piece = " ".join(piece.split()).strip(" .,:;()·“”‘’?!/-")
                # A piece cut out of a longer text ("and" of "%(a)s and %(b)s") counts from
                # two words up; a whole string ("Cart") always.
                if (
                    re.search(r"[A-Za-z]{3}", piece)
                    and piece not in translated
                    and (len(pieces) == 1 or " " in piece)
                ):
                    phrases.add(piece)
    for message in _catalog(ROOT / "accounts/allauth_voice/locale", "en"):
        if message.id and message.string:
            for piece in PLACEHOLDER_OR_TAG.split(message.string):
                piece = " ".join(piece.split()).strip(" .,:;()·“”‘’?!/-")
                if re.search(r"[A-Za-z]{3}", piece):
                    phrases.add(piece)
    return sorted(phrases, key=len, reverse=True)


class _VisibleText(HTMLParser):
    """What a reader meets: the text of the body and the title, and the attributes read
    aloud or shown (placeholder, aria-label, alt, title, a button's value); not scripts,
    styles, or what is marked as another language (the switcher's "English")."""

    SKIP = {"script", "style", "template", "noscript"}
    READ = ("placeholder", "aria-label", "alt", "title")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)

    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other_language = attrs.get("lang", "de").split("-")[0] != "de" and tag != "html"
        void = tag in {"input", "img", "br", "meta", "link", "hr", "source"}
        if not self._skipping() and not other_language:
            self.parts += [attrs[a] for a in self.READ if attrs.get(a)]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if not void:
            self.stack.append((tag, tag in self.SKIP or other_language))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def catalog_english() -> list[str]:
    """The merchant's English words that have their German written (an option value's key
    or English label, a tax rate's English name): on a German page, any of them is a word
    left in English. Values that read the same in both ("Sand", "M") are not listed."""
    from orders.models import TaxRate
    from shop.catalog.models import OptionValue

    words = set()
    for value in OptionValue.objects.exclude(label_de__isnull=True).exclude(label_de=""):
        words |= {value.value, value.label_en or value.value} - {value.label_de}
    for rate in TaxRate.objects.exclude(name_de__isnull=True).exclude(name_de=""):
        words |= {rate.name_en or ""} - {rate.name_de, ""}
    return sorted((w for w in words if re.search(r"[A-Za-z]{3}", w)), key=len, reverse=True)


def _region_names() -> list[str]:
    from orders import regions

    return sorted({name for _code, name in regions._names().items()}, key=len, reverse=True)


def english_in(text: str, phrases: list[str]) -> list[str]:
    text = re.sub(r"https?://\S+", " ", text)  # a link's path ("/de/orders/…") is no wording
    # States and provinces keep their own names ("South Australia", "New Mexico"), which may
    # hold a country's English name: they are place names, not the shop's wording.
    for name in _region_names():
        text = text.replace(name, " ")
    return [p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)]
