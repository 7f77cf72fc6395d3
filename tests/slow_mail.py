"""A file email backend that pauses before it writes, so a test can kill the worker while it
is in the middle of sending. Used only by tests/worker through SHOP_TEST_MAIL_DELAY."""

import os
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class SlowFileBackend(FileBackend):
    def send_messages(self, messages):
        started = os.environ.get("SHOP_TEST_MAIL_STARTED")
        if started:
            Path(started).touch()
        time.sleep(float(os.environ.get("SHOP_TEST_MAIL_DELAY") or 0))
        return super().send_messages(messages)


class FlakyBackend(FileBackend):
    """Fails like a mail server that hangs up, `FLAKY_FAILURES` times, then works."""

    failures = 0

    def send_messages(self, messages):
        from smtplib import SMTPServerDisconnected

        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
