"""allauth's pages speak as the shop does: the English catalog of accounts/allauth_voice wins
over allauth's strings, and its compiled .mo is the .po as committed."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.urls import reverse
from django.utils import translation

CATALOG = Path(__file__).resolve().parents[2] / "accounts/allauth_voice/locale/en/LC_MESSAGES"


def test_the_compiled_catalog_says_what_the_po_file_says():
    with open(CATALOG / "django.po", "rb") as po:
        catalog = read_po(po)
    entries = [m for m in catalog if m.id]
    assert len(entries) > 30
    with translation.override("en"):
        for message in entries:
            assert translation.gettext(message.id) == message.string, (
                f"{message.id!r}: run manage.py compilemessages"
            )


@pytest.mark.django_db
def test_sign_in_and_sign_up_read_in_sentence_case_without_colons(client):
    sign_in = client.get(reverse("account_login")).content.decode()
    sign_up = client.get(reverse("account_signup")).content.decode()

    assert "<h1>Sign in</h1>" in sign_in.replace("\n", "").replace("  ", "")
    assert "Remember me" in sign_in and "Remember Me" not in sign_in
    assert "Sign Up" not in sign_up and "Sign up" in sign_up
    for page in (sign_in, sign_up):
        assert ":</label>" not in page
