import enum


class ReviewErrorCode(enum.StrEnum):
    """Why a review, a vote or a decision was refused, for a program (the API's codes)."""

    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NOT_YOURS = "not_yours"
    NOT_IN_ORDER = "not_in_order"
    NOT_DELIVERED = "not_delivered"
    OWN_REVIEW = "own_review"
    NOT_APPROVED = "not_approved"
    REASON_REQUIRED = "reason_required"
    LINK_INVALID = "link_invalid"


class ReviewError(Exception):
    """A review change that cannot be made; the message is for the shopper or merchant, the
    code (a ReviewErrorCode) for a program. Nothing was changed."""

    def __init__(self, message: str, code: ReviewErrorCode = ReviewErrorCode.INVALID, field=None):
        super().__init__(message)
        self.code = code
        self.field = field
