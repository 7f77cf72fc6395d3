"""The gift cards' and store credit's domain errors. Each carries a code (the enum below) for
programs: the API turns it into its JSON error code, the pages show the message.

Every refusal of a code a shopper typed says the same thing ("That gift card cannot be
used"), whatever the reason, so that guessing codes learns nothing; the code is for the logs
and tests, never shown to the shopper as a different message."""

from __future__ import annotations

import enum

from django.utils.translation import gettext as _


class GiftCardErrorCode(enum.StrEnum):
    CANNOT_BE_USED = "gift_card_cannot_be_used"  # unknown, disabled, expired, other currency
    TOO_MANY_TRIES = "too_many_tries"  # the lookups' rate limit
    TOO_MANY_CARDS = "too_many_cards"  # MAX_CARDS_PER_CHECKOUT already applied
    SHORTFALL = "gift_card_shortfall"  # a balance fell below what the checkout showed
    NO_CREDIT = "no_store_credit"  # no store credit in the cart's currency
    NOT_FOR_GIFT_CARDS = "not_for_gift_cards"  # gift cards cannot buy gift cards
    INVALID_AMOUNT = "invalid_amount"
    NOT_REFUNDABLE = "not_refundable"  # more than the order's ledger part is asked back
    NEEDS_ACCOUNT = "needs_account"  # store credit needs a customer account


class GiftCardError(Exception):
    """The gift card or store credit cannot be used or moved as asked; nothing changed."""

    def __init__(self, message: str, code: GiftCardErrorCode):
        super().__init__(message)
        self.code = code


def cannot_be_used(code: GiftCardErrorCode = GiftCardErrorCode.CANNOT_BE_USED) -> GiftCardError:
    """The one refusal every failed code lookup gets."""
    return GiftCardError(_("That gift card cannot be used."), code)
