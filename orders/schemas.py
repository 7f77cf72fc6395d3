"""What checkout and orders take and answer in the API (orders/api.py)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from giftcards.schemas import PrepaidOut
from shop.api.schemas import BodyIn, MoneyOut
from shop.cart.schemas import CartOut


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
    marketing_opt_in: bool = Field(
        False,
        description="The checkout's “Send me a reminder of my cart if I leave before paying” box "
        "(unticked by default): where the market needs consent, a cart is reminded only with "
        "it. A quote keeps it with the email, as the checkout page's details step does.",
    )


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


class AppliedPromotionOut(Schema):
    id: int | None = Field(description="The promotion's id; null for an older voucher code.")
    name: str
    code: str = Field(description="The code typed for it; empty for an automatic promotion.")
    kind: str = Field(description="Its class: product, order or shipping.")
    amount: MoneyOut = Field(description="What it took off.")


class TotalsOut(Schema):
    subtotal: MoneyOut
    discount: MoneyOut = Field(description="Off the goods: item and order promotions, codes.")
    shipping_discount: MoneyOut = Field(description="Off shipping (already in `shipping`).")
    promotions: list[AppliedPromotionOut] = Field(description="Each promotion applied.")
    hints: list[str] = Field(description="What is missing for the next tier or free item.")
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
    prepaid: PrepaidOut = Field(description="What the cart's gift cards and store credit pay.")


class OrderLineOut(Schema):
    sku: str
    name: str
    quantity: int
    unit_price: MoneyOut
    line_total: MoneyOut
    discount: MoneyOut = Field(description="The line's share of the discounts, to the cent.")


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
    shipping_discount: MoneyOut = Field(description="Off shipping (already in `shipping`).")
    promotions: list[AppliedPromotionOut] = Field(description="Each promotion applied.")
    tax: MoneyOut
    total: MoneyOut
    refunded: MoneyOut = Field(description="Given back so far, in all.")
    net_paid: MoneyOut = Field(description="The total less what was refunded.")
    prepaid: MoneyOut = Field(description="Paid with gift cards and store credit.")
    amount_due: MoneyOut = Field(description="What the card payment is for.")
    refunds: list[RefundOut] = Field(description="Each refund, oldest first.")
    shipping_address: AddressOut
    shipping_method: str
    currency: str = Field(
        description="Every amount of the order, its charge and its refunds are in it.",
        examples=["EUR"],
    )
    market: str | None = Field(
        description="The code of the market it was placed in (null: placed before markets)."
    )
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
