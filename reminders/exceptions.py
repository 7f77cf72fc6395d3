"""The reminders' errors: a message for the shopper, a code for the API."""

import enum


class ReminderErrorCode(enum.StrEnum):
    UNKNOWN_VARIANT = "unknown_variant"
    IN_STOCK = "in_stock"
    EMAIL_NEEDED = "email_needed"
    INVALID_EMAIL = "invalid_email"
    TOO_MANY = "too_many_requests"
    BAD_LINK = "bad_link"
    EXPIRED_LINK = "expired_link"
    ALERT_CLOSED = "alert_closed"
    CART_GONE = "cart_gone"


class ReminderError(Exception):
    def __init__(self, message, code: ReminderErrorCode):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
