"""Every word a person reads is marked for translation: templates (this test reads each one and
fails on text or a readable attribute outside {% translate %} and {% blocktranslate %}) and
the catalog that `makemessages` builds from them."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

COMMENT = re.compile(r"{#.*?#}|{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)
BLOCKTRANS = re.compile(r"{%\s*blocktrans(late)?\b.*?%}.*?{%\s*endblocktrans(late)?\s*%}", re.S)
TRANS = re.compile(r"""{%\s*trans(late)?\s+("[^"]*"|'[^']*')[^%]*%}""", re.S)
SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
CLASS_BLOCK = re.compile(r"{%\s*block content_class\s*%}.*?{%\s*endblock\s*%}", re.S)
VARIABLE = re.compile(r"{{.*?}}", re.S)
TAG = re.compile(r"{%.*?%}", re.S)
READABLE = re.compile(r'\b(placeholder|aria-label|alt|title)="([^"]*)"')
SUBMIT_VALUE = re.compile(r'<input[^>]*type="submit"[^>]*value="([^"]*)"')
HTML = re.compile(r"<[^>]+>", re.S)
ENTITY = re.compile(r"&[a-z]+;|&#\d+;")
WORDS = re.compile(r"[A-Za-z]{2,}")


def unmarked(text: str) -> list[str]:
    for pattern in (COMMENT, BLOCKTRANS, TRANS, SCRIPT, CLASS_BLOCK):
        text = pattern.sub(" ", text)
    found = []
    for value in [v for _, v in READABLE.findall(text)] + SUBMIT_VALUE.findall(text):
        if WORDS.search(TAG.sub("", VARIABLE.sub("", value))):
            found.append(value)
    text = HTML.sub(" ", text)
    text = ENTITY.sub(" ", VARIABLE.sub(" ", TAG.sub(" ", text)))
    found += [chunk.strip() for chunk in re.split(r"\s{2,}|\n", text) if WORDS.search(chunk)]
    return found


def _templates():
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_text_outside_translate(path):
    assert unmarked(path.read_text()) == []


def test_the_checker_finds_what_it_should():
    assert unmarked('<p>Hello {{ name }}</p><a title="Go">{% translate "Ok" %}</a>') == [
        "Go",
        "Hello",
    ]
    assert unmarked("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %} {{ x }}") == []


COMMITTED = TEMPLATES.parent / "locale/en/LC_MESSAGES/django.po"
# Every app of the project (a top-level package), its templates and its scripts.
SOURCE_FOLDERS = [
    *sorted(
        p.name
        for p in TEMPLATES.parent.iterdir()
        if (p / "__init__.py").exists() and p.name not in ("tests", "bench")
    ),
    "templates",
    "static",
]
MAKEMESSAGES_IGNORE = [".venv", "tests", "bench", "staticfiles", "media", "var", "test-artifacts"]


def _msgids(path: Path) -> set[str]:
    from babel.messages.pofile import read_po

    with open(path, "rb") as po:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po) if m.id}


def test_makemessages_finds_the_strings_and_the_committed_catalog_is_current(
    tmp_path, settings, monkeypatch
):
    """What `make messages` writes, run here on a copy of the sources (makemessages writes
    into the catalog folder of the tree it reads)."""
    import shutil

    from django.core.management import call_command

    source = tmp_path / "src"
    for folder in SOURCE_FOLDERS:
        shutil.copytree(
            TEMPLATES.parent / folder,
            source / folder,
            ignore=shutil.ignore_patterns("__pycache__", "locale", "migrations"),
        )
    (source / "locale").mkdir()
    monkeypatch.chdir(source)
    settings.LOCALE_PATHS = [source / "locale"]
    call_command(
        "makemessages",
        locale=["en"],
        ignore_patterns=MAKEMESSAGES_IGNORE,
        no_location=True,
        no_obsolete=True,
        verbosity=0,
    )
    found = _msgids(source / "locale/en/LC_MESSAGES/django.po")

    for text in [
        "Continue to payment",  # a template
        "Please correct one thing",  # a plural in a template
        "That discount code has expired.",  # a service's error
        "Added %(n)d × %(item)s to your cart.",  # a view's message
        "Awaiting payment",  # a model's choice
        "Your order {number} is confirmed",  # an email subject
        "Show price and stock for this choice",
    ]:
        assert text in found, text
    assert found == _msgids(COMMITTED), "the catalog is not current: run make messages"
