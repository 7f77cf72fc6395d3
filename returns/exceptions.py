"""The returns' domain errors. Each carries a code (an enum below) for programs: the API turns
codes into its JSON error codes, pages and the admin show the message."""

from __future__ import annotations

import enum


class ReturnErrorCode(enum.StrEnum):
    NOT_DELIVERED = "not_delivered"  # not delivered yet: that is a cancellation
    WINDOW_CLOSED = "window_closed"
    FINAL_SALE = "final_sale"
    NO_LINES = "no_lines"
    UNKNOWN_LINE = "unknown_line"
    TOO_MANY_UNITS = "too_many_units"  # more than bought less already returned
    BAD_QUANTITY = "bad_quantity"
    BAD_REASON = "bad_reason"
    PHOTOS_REQUIRED = "photos_required"
    BAD_PHOTO = "bad_photo"
    BAD_STATUS = "bad_status"  # the return is not in a state that allows this step
    BAD_COUNT = "bad_count"  # received or sellable counts that do not add up
    BAD_REPLACEMENT = "bad_replacement"  # not another variant of the same product
    OUT_OF_STOCK = "out_of_stock"  # no replacement to hold
    NOTHING_TO_REFUND = "nothing_to_refund"
    NOTHING_OWED = "nothing_owed"  # no difference to pay for an exchange, or paid already
    REFUND_UNDER_WAY = "refund_under_way"
    REFUND_FAILED = "refund_failed"
    DECLINE_REASON_REQUIRED = "decline_reason_required"


class ReturnError(Exception):
    """The return cannot take this step; the message is for the person who asked."""

    def __init__(self, message: str, code: ReturnErrorCode):
        super().__init__(message)
        self.code = code
