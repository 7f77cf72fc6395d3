"""The signed links in the reminders' emails. Each kind of link has its own salt, so one
cannot stand for another; a changed character is a BadLink, an old restore or confirm link an
ExpiredLink. Unsubscribe and preference links never expire (an unsubscribe link in a
two-year-old email must still work: RFC 8058 asks for nothing less)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from reminders.exceptions import ReminderError, ReminderErrorCode

UNSUBSCRIBE = "reminders.unsubscribe"
PREFERENCES = "reminders.preferences"
CONFIRM_ALERT = "reminders.confirm-alert"
RESTORE_CART = "reminders.restore-cart"

CONFIRM_MAX_AGE = timedelta(days=7)


def _dumps(value, salt: str) -> str:
    return signing.dumps(value, salt=salt, compress=True)


def _loads(token: str, salt: str, max_age: timedelta | None = None):
    try:
        return signing.loads(str(token)[:1000], salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ReminderError(
            _("This link has expired. Links in our emails work for a limited time."),
            ReminderErrorCode.EXPIRED_LINK,
        ) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise ReminderError(
            _("This link is not valid. Please use the link exactly as it is in the email."),
            ReminderErrorCode.BAD_LINK,
        ) from error


def absolute(path: str) -> str:
    return settings.SHOP_URL.rstrip("/") + path


def unsubscribe_token(email: str, topic: str) -> str:
    return _dumps({"e": email.lower(), "t": str(topic)}, UNSUBSCRIBE)


def read_unsubscribe(token: str) -> tuple[str, str]:
    value = _loads(token, UNSUBSCRIBE)
    if not isinstance(value, dict) or not isinstance(value.get("e"), str):
        raise ReminderError(_("This link is not valid."), ReminderErrorCode.BAD_LINK)
    return value["e"], str(value.get("t", ""))


def unsubscribe_url(email: str, topic: str) -> str:
    return absolute(reverse("reminders:unsubscribe", args=[unsubscribe_token(email, topic)]))


def preferences_token(email: str) -> str:
    return _dumps({"e": email.lower()}, PREFERENCES)


def read_preferences(token: str) -> str:
    value = _loads(token, PREFERENCES)
    if not isinstance(value, dict) or not isinstance(value.get("e"), str):
        raise ReminderError(_("This link is not valid."), ReminderErrorCode.BAD_LINK)
    return value["e"]


def preferences_url(email: str) -> str:
    return absolute(reverse("reminders:preferences", args=[preferences_token(email)]))


def confirm_alert_token(alert_id: int) -> str:
    return _dumps({"a": alert_id}, CONFIRM_ALERT)


def read_confirm_alert(token: str) -> int:
    value = _loads(token, CONFIRM_ALERT, max_age=CONFIRM_MAX_AGE)
    if not isinstance(value, dict) or not isinstance(value.get("a"), int):
        raise ReminderError(_("This link is not valid."), ReminderErrorCode.BAD_LINK)
    return value["a"]


def confirm_alert_url(alert_id: int) -> str:
    return absolute(reverse("reminders:confirm_alert", args=[confirm_alert_token(alert_id)]))


def restore_token(reminder_id: int) -> str:
    return _dumps({"r": reminder_id}, RESTORE_CART)


def read_restore(token: str) -> int:
    max_age = timedelta(days=settings.ABANDONED_CART_LINK_DAYS)
    value = _loads(token, RESTORE_CART, max_age=max_age)
    if not isinstance(value, dict) or not isinstance(value.get("r"), int):
        raise ReminderError(_("This link is not valid."), ReminderErrorCode.BAD_LINK)
    return value["r"]


def restore_url(reminder_id: int) -> str:
    return absolute(reverse("reminders:restore_cart", args=[restore_token(reminder_id)]))
