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
