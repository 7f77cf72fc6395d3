"""The demo's mailbox: emails kept as files and read in the browser at /dev/emails/.

With DEBUG on and no mail server configured, `make run` sends email here instead of printing
whole multi-part messages in the terminal: each message is one .eml file under
DEV_EMAIL_DIR, the console gets one line naming it, and the DEBUG-only pages list and show
them (shop/views.py). Nothing here exists for a shop with DEBUG off.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

_counter = itertools.count()
_lock = threading.Lock()


def mailbox() -> Path:
    return Path(settings.DEV_EMAIL_DIR)


class DevEmailBackend(BaseEmailBackend):
    """Keep each message as an .eml file and say so in one line on the console."""

    def send_messages(self, email_messages) -> int:
        folder = mailbox()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            with _lock:
                name = f"{time.time_ns()}-{next(_counter):04d}"
            (folder / f"{name}.eml").write_bytes(message.message().as_bytes())
            print(
                f"  ✉  to {', '.join(message.to)}: “{message.subject}” — read it at "
                f"{settings.SHOP_URL}/dev/emails/{name}/",
                file=sys.stdout,
                flush=True,
            )
            sent += 1
        return sent


@dataclass(frozen=True)
class StoredEmail:
    name: str
    subject: str
    to: str
    sender: str
    date: str
    text: str
    html: str


def _read(path: Path) -> StoredEmail:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return StoredEmail(
        name=path.stem,
        subject=str(message["Subject"] or ""),
        to=str(message["To"] or ""),
        sender=str(message["From"] or ""),
        date=str(message["Date"] or ""),
        text=text.get_content() if text is not None else "",
        html=html.get_content() if html is not None else "",
    )


def stored_emails(limit: int = 200) -> list[StoredEmail]:
    """The newest first."""
    folder = mailbox()
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.eml"), reverse=True)[:limit]
    return [_read(path) for path in paths]


def stored_email(name: str) -> StoredEmail | None:
    if not name.replace("-", "").isdigit():
        return None
    path = mailbox() / f"{name}.eml"
    return _read(path) if path.is_file() else None
