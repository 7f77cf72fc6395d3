"""The reminders in the API (reminders/api.py)."""

from __future__ import annotations

from ninja import Field, Schema

from shop.api.schemas import BodyIn


class StockAlertIn(BodyIn):
    variant_id: int = Field(ge=1, le=2**62, examples=[42])
    email: str = Field(
        "",
        max_length=254,
        description="Needed from a guest; a signed-in shopper's account address otherwise.",
        examples=["ada@example.com"],
    )


class StockAlertOut(Schema):
    variant_id: int
    status: str = Field(
        description="`pending`: an email asks the address to confirm first (a guest, or an "
        "address not yet verified); `confirmed`: it waits for stock."
    )
    expires_at: str


class UnsubscribeIn(BodyIn):
    token: str = Field(
        max_length=1000, description="The token of an email's unsubscribe link (its last part)."
    )


class UnsubscribeOut(Schema):
    unsubscribed: str = Field(description="The topic turned off, or `all` for every one.")
