"""The demo's mailbox: emails kept as files, listed and shown only while DEBUG is on."""

import pytest
from django.core import mail
from django.urls import reverse


@pytest.fixture
def mailbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "shop.dev_emails.DevEmailBackend"
    settings.DEV_EMAIL_DIR = tmp_path / "emails"
    return settings.DEV_EMAIL_DIR


def _send(
    subject="Hello", html='<html><head></head><body><a href="https://x/y">go</a></body></html>'
):
    message = mail.EmailMultiAlternatives(subject, "Go to https://x/y", to=["a@example.com"])
    message.attach_alternative(html, "text/html")
    message.send()


@pytest.mark.django_db
def test_the_mailbox_lists_the_newest_first_and_shows_html_and_text(
    client, mailbox, settings, capsys
):
    settings.DEBUG = True
    _send("First")
    _send("Second")

    listing = client.get(reverse("dev_emails")).content.decode()
    assert listing.index("Second") < listing.index("First")
    assert "/dev/emails/" in capsys.readouterr().out  # one line on the console each
    name = sorted(p.stem for p in mailbox.glob("*.eml"))[-1]
    page = client.get(reverse("dev_email", args=[name])).content.decode()
    assert "Second" in page and 'href="https://x/y"' in page  # the text part, links live
    html = client.get(reverse("dev_email_html", args=[name]))
    assert '<base target="_top">' in html.content.decode()
    assert html["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in html["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["dev_emails", "dev_email", "dev_email_html"])
def test_the_mailbox_does_not_exist_with_debug_off(client, mailbox, settings, name):
    settings.DEBUG = False
    _send()
    stem = next(mailbox.glob("*.eml")).stem
    args = [] if name == "dev_emails" else [stem]

    assert client.get(reverse(name, args=args)).status_code == 404


@pytest.mark.django_db
def test_unknown_or_hostile_names_are_404(client, mailbox, settings):
    settings.DEBUG = True
    for name in ["../../etc/passwd", "123", "abc", "1-2"]:
        assert client.get(f"/dev/emails/{name}/").status_code == 404
