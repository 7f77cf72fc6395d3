"""allauth, speaking as the shop: links on SHOP_URL, the shop's name, the shop's email look."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation

from shop.languages import shop_language, supported


@dataclass(frozen=True)
class ShopSite:
    """What allauth's templates call `current_site`: the shop, not the request's host."""

    name: str
    domain: str


def on_shop_url(url: str) -> str:
    """The same path and query on SHOP_URL: a link in an email must reach the shop's public
    address, whatever host the request that caused it came in on."""
    parts = urlsplit(url)
    return settings.SHOP_URL + parts.path + (f"?{parts.query}" if parts.query else "")


class ShopAccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"{settings.SHOP_NAME}: {subject}"

    LINKS = ("activate_url", "password_reset_url", "signup_url")

    def save_user(self, request, user, form, commit=True):
        """A new account speaks the language it was opened in."""
        user.language = shop_language()
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """In the account's language (the one it chose, or opened in); for an address with
        no account (a reset asked for an unknown address), the page's."""
        user = context.get("user") or get_user_model().objects.filter(email__iexact=email).first()
        language = getattr(user, "language", "") or shop_language()
        with translation.override(supported(language)):
            self._send_mail(template_prefix, email, context)

    def _send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        links = {key: on_shop_url(context[key]) for key in self.LINKS if context.get(key)}
        context = {
            **context,
            **links,
            "current_site": ShopSite(
                name=settings.SHOP_NAME, domain=urlsplit(settings.SHOP_URL).netloc
            ),
            "shop_name": settings.SHOP_NAME,
            "shop_url": settings.SHOP_URL,
        }
        super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's text, with an HTML part in the shop's email look made from it."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if not getattr(message, "alternatives", None) and hasattr(message, "attach_alternative"):
            html = render_to_string(
                "emails/account.html",
                {
                    "shop_name": settings.SHOP_NAME,
                    "shop_url": settings.SHOP_URL,
                    "subject": message.subject,
                    "text": message.body,
                },
            )
            message.attach_alternative(html, "text/html")
        return message

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return on_shop_url(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return on_shop_url(super().get_reset_password_from_key_url(key))
