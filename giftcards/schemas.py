from __future__ import annotations

from ninja import Field, Schema

from shop.api.schemas import BodyIn, MoneyOut


class GiftCardCodeIn(BodyIn):
    code: str = Field(
        max_length=40, description="As printed; any case, spaces or dashes.",
        examples=["ABCD-EFGH-JKMN-PQRS"],
    )  # fmt: skip


class StoreCreditIn(BodyIn):
    use: bool = Field(description="Pay with the signed-in shopper's store credit, or not.")


class AppliedCardOut(Schema):
    id: int
    last4: str = Field(description="Only the last four characters of a code are ever shown.")
    balance: MoneyOut


class CartPrepaidOut(Schema):
    gift_cards: list[AppliedCardOut]
    using_store_credit: bool


class PrepaidPartOut(Schema):
    label: str
    amount: MoneyOut
    gift_card_id: int | None


class PrepaidOut(Schema):
    parts: list[PrepaidPartOut] = Field(description="What each card and the credit pay.")
    covered: MoneyOut
    amount_due: MoneyOut = Field(description="What is left to pay by card.")


class CardBalanceOut(Schema):
    id: int
    last4: str
    initial: MoneyOut
    balance: MoneyOut
    expires_at: str | None


class BalancesOut(Schema):
    store_credit: list[MoneyOut] = Field(description="Usable now, one per currency.")
    gift_cards: list[CardBalanceOut] = Field(description="Bought or used by the shopper.")
