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
