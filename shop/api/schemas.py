"""What the API's answers look like (pydantic, through django-ninja): the OpenAPI schema is
generated from these, and every answer is checked against them on the way out."""

from __future__ import annotations

from datetime import datetime

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


# --- catalog ------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    parent_id: int | None


class ImageOut(Schema):
    url: str = Field(description="The original image.")
    src: str = Field(description="A mid-sized JPEG rendition for an <img>.")
    srcset_webp: str
    srcset_jpeg: str
    width: int
    height: int
    alt: str
    option_value_id: int | None = Field(
        description="Shown only with this option value chosen (a colour's photos); null: always."
    )


class ProductCardOut(Schema):
    slug: str
    name: str
    price_from: MoneyOut | None
    price_to: MoneyOut | None
    in_stock: bool
    image: str | None = Field(description="A mid-sized JPEG rendition of the first image.")
    variant_id: int | None = Field(
        description="Its first variant, for a quick add from a listing (a product with "
        "options is better chosen on its own page)."
    )


class FacetValueOut(Schema):
    value: str
    count: int


class FacetsOut(Schema):
    total: int
    in_stock: int
    prices: dict[str, int] = Field(
        description='Products per price band, "low-high" ("200-" has no upper bound).'
    )
    categories: dict[str, int] = Field(description="Products per category id.")
    options: dict[str, dict[str, int]] = Field(
        description='Products per option value, by option type code: {"colour": {"Sand": 3}}.'
    )


class ProductPageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next_page: int | None
    items: list[ProductCardOut]
    facets: FacetsOut
    did_you_mean: list[str]


class OptionValueOut(Schema):
    id: int
    value: str
    swatch: str


class OptionOut(Schema):
    code: str
    name: str
    values: list[OptionValueOut]


class VariantOut(Schema):
    id: int
    sku: str
    label: str
    price: MoneyOut
    available: int | None = Field(
        description="Units that can be bought now; null when there is no limit."
    )
    in_stock: bool
    on_backorder: bool
    options: dict[str, int] = Field(description="Option value id by option type code.")


class ProductOut(Schema):
    slug: str
    name: str
    description: str
    category: CategoryOut
    price_from: MoneyOut | None
    price_to: MoneyOut | None
    options: list[OptionOut]
    variants: list[VariantOut]
    images: list[ImageOut]


# --- cart and checkout -----------------------------------------------------------------------


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
    lines: list[CartLineOut]
    quantity: int
    subtotal: MoneyOut
    can_check_out: bool
    problems: list[str]
    notes: list[str] = Field(
        [], description="What changed in moving a guest cart in (a line capped, one dropped)."
    )


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


class AddressIn(BodyIn):
    name: str = Field(max_length=200, examples=["Ada Lovelace"])
    line1: str = Field(max_length=200, examples=["1 High Street"])
    line2: str = Field("", max_length=200)
    city: str = Field(max_length=100, examples=["London"])
    postcode: str = Field(max_length=20, examples=["SW1A 1AA"])
    region: str = Field("", max_length=100, description="ISO 3166-2 code, e.g. US-CA.")
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2 code.", examples=["GB"])
    phone: str = Field("", max_length=40)


class AddressOut(Schema):
    name: str
    line1: str
    line2: str
    city: str
    postcode: str
    region: str
    country: str
    phone: str


class CheckoutIn(BodyIn):
    email: str = Field(max_length=254, examples=["ada@example.com"])
    address: AddressIn
    shipping_method_id: int | None = Field(
        None,
        ge=1,
        le=2**62,
        description="One of the cart's shipping methods; none: the first that ships there.",
    )
    voucher_code: str = Field("", max_length=40)


class PlaceOrderIn(CheckoutIn):
    checkout_token: str = Field(
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="A random value the app makes per checkout: sending it again (a retry) "
        "gives back the same order instead of a second one.",
    )


class ShippingMethodOut(Schema):
    id: int
    name: str
    description: str
    price: MoneyOut | None = Field(description="For this cart and country; null: no price.")
    ships: bool = Field(description="False when the method does not ship to that country.")


class ShippingOptionsOut(Schema):
    token: str = Field(description="The cart's token.")
    country: str
    methods: list[ShippingMethodOut]


class TotalsOut(Schema):
    subtotal: MoneyOut
    discount: MoneyOut
    shipping: MoneyOut
    tax: MoneyOut
    total: MoneyOut
    tax_name: str
    tax_rate: str = Field(examples=["0.2"])
    prices_include_tax: bool
    shipping_available: bool


class QuoteOut(Schema):
    cart: CartOut
    totals: TotalsOut
    voucher_code: str


# --- orders and payments -------------------------------------------------------------------


class OrderLineOut(Schema):
    sku: str
    name: str
    quantity: int
    unit_price: MoneyOut
    line_total: MoneyOut


class RefundedLineOut(Schema):
    sku: str
    name: str
    quantity: int = Field(description="Units of the line this refund gave back.")


class RefundOut(Schema):
    created_at: datetime
    amount: MoneyOut
    reason: str
    lines: list[RefundedLineOut] = Field(
        description="What it was for; empty when an amount was refunded without naming lines."
    )


class OrderOut(Schema):
    number: str
    key: str = Field(
        description="Lets whoever holds it read the order and pay for it (a guest has no "
        "account): send it back as `key`. It expires with the order's email links."
    )
    status: str
    status_text: str
    email: str
    created_at: datetime
    paid_at: datetime | None
    reservation_expires_at: datetime | None
    lines: list[OrderLineOut]
    subtotal: MoneyOut
    discount: MoneyOut
    shipping: MoneyOut
    tax: MoneyOut
    total: MoneyOut
    refunded: MoneyOut = Field(description="Given back so far, in all.")
    net_paid: MoneyOut = Field(description="The total less what was refunded.")
    refunds: list[RefundOut] = Field(description="Each refund, oldest first.")
    shipping_address: AddressOut
    shipping_method: str
    payment_method: str
    carrier: str
    tracking_number: str
    tracking_url: str


class OrderSummaryOut(Schema):
    number: str
    status: str
    status_text: str
    created_at: datetime
    total: MoneyOut


class OrderPageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next_page: int | None
    items: list[OrderSummaryOut]


class PaymentOut(Schema):
    payment_intent_id: str
    client_secret: str = Field(description="For Stripe's SDK to confirm the payment.")
    publishable_key: str
    amount: MoneyOut
    status: str


# --- account -------------------------------------------------------------------------------


class SavedAddressOut(AddressOut):
    id: int
    is_default: bool


class SavedAddressIn(AddressIn):
    is_default: bool = False
