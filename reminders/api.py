"""Back-in-stock sign-ups and unsubscribing in the API: the services the pages call."""

from __future__ import annotations

from ninja import Router, Status

from reminders import services, tokens
from reminders.exceptions import ReminderError, ReminderErrorCode
from reminders.models import Topic
from reminders.schemas import StockAlertIn, StockAlertOut, UnsubscribeIn, UnsubscribeOut
from reminders.views import client_ip
from shop.api.errors import WITH_CONFLICT, ApiError

router = Router(tags=["reminders"])

STATUS = {
    ReminderErrorCode.UNKNOWN_VARIANT: (404, "variant_id"),
    ReminderErrorCode.IN_STOCK: (409, "variant_id"),
    ReminderErrorCode.EMAIL_NEEDED: (422, "email"),
    ReminderErrorCode.INVALID_EMAIL: (422, "email"),
    ReminderErrorCode.TOO_MANY: (429, None),
    ReminderErrorCode.BAD_LINK: (422, "token"),
    ReminderErrorCode.EXPIRED_LINK: (422, "token"),
}


def _refuse(error: ReminderError) -> ApiError:
    status, field = STATUS.get(error.code, (422, None))
    return ApiError(status, str(error.code), error.message, field)


@router.post(
    "/back-in-stock",
    response={201: StockAlertOut, **WITH_CONFLICT},
    summary="Email me when it is back",
    operation_id="back_in_stock_sign_up",
)
def sign_up(request, body: StockAlertIn):
    """Ask for one email when a sold-out variant is back in stock. A guest (or an address not
    verified on the account) gets an email to confirm it first; asking again for the same
    variant and address gives the same alert. Rate-limited per address and per email."""
    try:
        alert = services.subscribe_to_stock(
            variant_id=body.variant_id,
            email=body.email,
            user=request.auth.user,
            client_ip=client_ip(request),
        )
    except ReminderError as error:
        raise _refuse(error) from error
    return Status(
        201,
        {
            "variant_id": alert.variant_id,
            "status": alert.status,
            "expires_at": alert.expires_at.isoformat(),
        },
    )


@router.post(
    "/email/unsubscribe",
    response={200: UnsubscribeOut, **WITH_CONFLICT},
    summary="Unsubscribe from an email's topic",
    operation_id="unsubscribe",
)
def unsubscribe(request, body: UnsubscribeIn):
    """What the one-click link in a marketing email does, for an app that shows the email."""
    try:
        email, topic = tokens.read_unsubscribe(body.token)
        services.unsubscribe(email=email, topic=topic)
    except ReminderError as error:
        raise _refuse(error) from error
    return {"unsubscribed": topic if topic in Topic.values else "all"}
