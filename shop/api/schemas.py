"""The API's shared kit of schemas (pydantic, through django-ninja): money, paging and the
request body every app's schemas build on. Each app's own answers are in its schemas.py
(shop/catalog, shop/cart, orders, payments, accounts); the OpenAPI schema is generated from
them, and every answer is checked against them on the way out."""

from __future__ import annotations

from moneyed import Money
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from shop.money import exponent


class MoneyOut(Schema):
    """An amount in the shop's rounding: a decimal string, its currency, and the same in the
    currency's minor unit (cents; yen for JPY)."""

    amount: str = Field(examples=["12.50"])
    currency: str = Field(examples=["USD"])
    minor: int = Field(description="In the currency's minor unit: 1250 for 12.50 USD.")

    @staticmethod
    def of(value: Money) -> dict:
        code = value.currency.code
        places = exponent(code)
        amount = value.amount.quantize(_unit(places))
        return {"amount": f"{amount:f}", "currency": code, "minor": int(amount.scaleb(places))}


def _unit(places: int):
    from decimal import Decimal

    return Decimal(1).scaleb(-places)


def money_or_none(value: Money | None) -> dict | None:
    return None if value is None else MoneyOut.of(value)


def page_of(rows, *, count: int, page: int, page_size: int, item) -> dict:
    """One page of a list (`rows` sliced only when the page has any), with its position."""
    pages = max(1, -(-count // page_size))
    start = (page - 1) * page_size
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "next_page": page + 1 if page < pages else None,
        "items": [item(row) for row in rows[start : start + page_size]] if start < count else [],
    }


class BodyIn(Schema):
    """A request body: an object with the documented members and no others. An unknown
    member (a typo, a field of another version) is refused with 422 instead of being ignored,
    and the schema says so (additionalProperties: false). Anything but an object is refused
    too: ninja's Schema would otherwise read a list or a number as an object with no members,
    and take its defaults."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value):
        # ninja validates a forbid-extra schema twice: the value as sent, then wrapped in its
        # DjangoGetter (already checked by then).
        if not isinstance(value, dict | DjangoGetter | BaseModel):
            raise PydanticCustomError("model_type", "Input should be an object")
        return value
