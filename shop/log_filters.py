"""Logging filters for the development console."""

import logging

ASSET_PREFIXES = ('"GET /static/', '"GET /media/', '"HEAD /static/', '"HEAD /media/')


class SkipAssetRequests(logging.Filter):
    """Drop the access lines of static files and images that were served fine: the console
    shows one line per page, not five."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        status = getattr(record, "status_code", 0) or 0
        return not (message.startswith(ASSET_PREFIXES) and status < 400)


class ClientMistakeAsWarning(logging.Filter):
    """A body above DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or too many files: Django
    answers 400 and logs it on `django.security.<error>` at ERROR with a traceback, so anyone on
    the internet could fill the error log (and Sentry, whose logging integration reports ERROR
    records) with one oversized POST. It is the client's mistake: one WARNING line, no
    traceback. Set on those loggers, so it runs before any handler (Sentry's included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno = logging.WARNING
        record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        return True
