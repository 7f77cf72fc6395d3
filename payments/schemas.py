"""What starting a payment answers in the API (payments/api.py)."""

from __future__ import annotations

from ninja import Field, Schema

from shop.api.schemas import MoneyOut


class PaymentOut(Schema):
    payment_intent_id: str
    client_secret: str = Field(description="For Stripe's SDK to confirm the payment.")
    publishable_key: str
    amount: MoneyOut
    status: str
