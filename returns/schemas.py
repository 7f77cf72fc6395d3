"""Returns in the API (returns/api.py)."""

from __future__ import annotations

from ninja import Field, Schema

from shop.api.schemas import BodyIn


class ReturnLineIn(BodyIn):
    line_id: int = Field(ge=1, le=2**62, description="The order line's id.", examples=[7])
    quantity: int = Field(ge=1, le=999, examples=[1])
    replacement_variant_id: int | None = Field(
        None,
        ge=1,
        le=2**62,
        description="For an exchange: another variant of the same product.",
    )


class ReturnIn(BodyIn):
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=200)
    reason_id: int = Field(ge=1, le=2**62, description="One of GET /return-reasons.")
    kind: str = Field(
        "refund", pattern="^(refund|exchange)$", description="`refund` or `exchange`."
    )
    comment: str = Field("", max_length=2000)


class ReturnReasonOut(Schema):
    id: int
    name: str
    needs_photos: bool = Field(
        description="The return form asks for photos with this reason (the API takes "
        "photos only through the order page)."
    )


class ReturnLineOut(Schema):
    line_id: int
    product_name: str
    variant_label: str
    quantity: int
    quantity_received: int | None
    replacement: str


class ReturnOut(Schema):
    number: str
    status: str = Field(description="requested, approved, declined, received, refunded or closed.")
    kind: str
    reason: str
    comment: str
    instructions: str
    label_url: str
    decline_reason: str
    refunded_amount: str | None = Field(description="Decimal, in the order's currency.")
    currency: str
    lines: list[ReturnLineOut]
    created_at: str


class ReturnableLineOut(Schema):
    line_id: int
    product_name: str
    variant_label: str
    units: int = Field(description="How many can still be returned.")
    final_sale: bool


class ReturnsOut(Schema):
    can_return: bool
    refused: str | None = Field(description="Why not (its code), when it cannot be returned.")
    message: str = ""
    window_ends: str | None
    lines: list[ReturnableLineOut]
    returns: list[ReturnOut]
