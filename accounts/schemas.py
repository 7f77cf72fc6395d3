"""A signed-in shopper's saved addresses in the API (accounts/api.py)."""

from __future__ import annotations

from orders.schemas import AddressIn, AddressOut


class SavedAddressOut(AddressOut):
    id: int
    is_default: bool


class SavedAddressIn(AddressIn):
    is_default: bool = False
