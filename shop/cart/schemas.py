"""What the cart's API takes and answers (shop/cart/api.py)."""

from __future__ import annotations

from ninja import Field, Schema

from shop.api.schemas import BodyIn, MoneyOut


class CartLineOut(Schema):
    id: int
    variant_id: int
    sku: str
    product_slug: str
    name: str
    quantity: int
    unit_price: MoneyOut
    line_total: MoneyOut
    problem: str = Field(description="Why this line cannot be bought as it is; empty if it can.")
    blocking: bool = Field(description="True when the line stops checkout (no longer sold).")


class CartOut(Schema):
    token: str = Field(description="The cart's id: keep it, it is the key to the cart.")
    currency: str = Field(
        description="The one currency every line is priced in (its market's).", examples=["EUR"]
    )
    lines: list[CartLineOut]
    quantity: int
    subtotal: MoneyOut
    can_check_out: bool
    problems: list[str]
    notes: list[str] = Field(
        [],
        description="What changed in moving a guest cart in (a line capped, one dropped), or "
        "in re-pricing it in another market's currency (a line not sold there removed).",
    )


class LineIn(BodyIn):
    variant_id: int = Field(ge=1, le=2**62)
    quantity: int = Field(1, ge=1, le=999)


class CartIn(BodyIn):
    lines: list[LineIn] = Field([], max_length=50, description="What to put in it at once.")
    merge_from: str = Field(
        "",
        max_length=64,
        description="A signed-in shopper only: the token of the guest cart they filled before "
        "signing in. Its lines move into their cart (summed, capped at what can be bought), as "
        "on the pages, and the guest cart is gone.",
    )


class QuantityIn(BodyIn):
    quantity: int = Field(ge=0, le=999, description="0 removes the line.")
