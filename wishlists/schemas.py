"""What the wishlist's API answers (wishlists/api.py)."""

from __future__ import annotations

from ninja import Field, Schema

from shop.api.schemas import MoneyOut


class WishlistItemOut(Schema):
    product_id: int
    slug: str
    name: str
    price_from: MoneyOut | None = Field(description="Its lowest price today.")
    has_price_range: bool
    in_stock: bool
    variant_id: int | None = Field(description="Its only variant, to add to a cart; else null.")


class WishlistOut(Schema):
    items: list[WishlistItemOut]
