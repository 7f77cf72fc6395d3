"""One JSON shape for every problem the API reports, with a code per problem:

    {"errors": [{"code": "sold_out", "message": "Sorry, only 2 of Mug left.", "field": "quantity"}]}

`field` names the input at fault (a dotted path for nested bodies), or is null when the problem
is not one field's. The messages are the pages' own (the same services raise them)."""

from __future__ import annotations

from ninja import Schema


class Problem(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    errors: list[Problem]


class ApiError(Exception):
    """Raised by the API's views: answered with `status` and these problems."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        *,
        retry_after: int | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.problems = [{"code": code, "message": message, "field": field}]
        self.retry_after = retry_after  # seconds, sent as Retry-After (a 503)

    @classmethod
    def from_form(cls, form, *, prefix: str = "") -> ApiError:
        """A bound Django form's errors (the pages' validation, word for word), one problem
        per message, coded with Django's own codes (required, invalid, max_length...)."""
        error = cls(422, "invalid", "")
        error.problems = [
            {
                "code": e.code or "invalid",
                "message": " ".join(str(m) for m in e.messages),
                "field": None if name == "__all__" else f"{prefix}{name}",
            }
            for name, errors in form.errors.as_data().items()
            for e in errors
        ]
        return error


def not_found(what: str = "That") -> ApiError:
    return ApiError(404, "not_found", f"{what} was not found.")


# The error answers every operation may give, documented once (status -> schema).
COMMON = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
# ... and those of an operation that can be refused for the state of things (sold out).
WITH_CONFLICT = {**COMMON, 409: ErrorOut}
