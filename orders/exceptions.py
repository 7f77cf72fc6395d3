"""The orders' domain errors. Each carries a code (an enum below) for programs: the API turns
codes into its JSON error codes, the pages show the message. Nobody matches a message's text."""

from __future__ import annotations

import enum

from django.utils.translation import gettext as _


class CheckoutErrorCode(enum.StrEnum):
    CART_EMPTY = "cart_empty"
    CART_BLOCKED = "cart_blocked"  # a line that cannot be bought as it is (sold out, too many)
    SHIPPING_METHOD_UNAVAILABLE = "shipping_method_unavailable"  # no longer offered
    NOT_SHIPPABLE = "not_shippable"  # the method does not ship to the address's country
    OUT_OF_STOCK = "out_of_stock"
    VOUCHER_REFUSED = "voucher_refused"  # see VoucherError.voucher_code for why
    NOT_CANCELLABLE = "not_cancellable"
    # The cart is priced in another currency than the market of the address's country: it
    # must be re-priced there (and the shopper shown the new total) before paying.
    MARKET_CHANGED = "market_changed"
    # A gift card or the store credit applied to the checkout can no longer pay what it did
    # (spent elsewhere, disabled, expired): see giftcards.exceptions for the detail.
    GIFT_CARD_REFUSED = "gift_card_refused"


class VoucherErrorCode(enum.StrEnum):
    NOT_VALID = "not_valid"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    BELOW_MINIMUM = "below_minimum"
    USED_UP = "used_up"
    ALREADY_USED = "already_used"
    NOT_IN_CURRENCY = "not_in_currency"  # no amount set in the cart's currency
    CONDITIONS_NOT_MET = "conditions_not_met"  # signed in, first order, quantity, domain
    NO_ELIGIBLE_ITEMS = "no_eligible_items"  # nothing in the cart it discounts (more)
    DOES_NOT_COMBINE = "does_not_combine"  # a promotion applied does not combine with it


class CheckoutError(Exception):
    """The checkout cannot go on; the message is for the shopper, the code for a program."""

    def __init__(self, message: str, code: CheckoutErrorCode):
        super().__init__(message)
        self.code = code


class OutOfStock(CheckoutError):
    def __init__(self, variants):
        self.variants = list(variants)
        names = ", ".join(str(v) for v in self.variants)
        super().__init__(
            _("Sorry, not enough stock left for: %(items)s.") % {"items": names},
            CheckoutErrorCode.OUT_OF_STOCK,
        )


class VoucherError(CheckoutError):
    """The discount code cannot be used; the message says why, `voucher_code` for a program."""

    def __init__(self, message: str, voucher_code: VoucherErrorCode):
        super().__init__(message, CheckoutErrorCode.VOUCHER_REFUSED)
        self.voucher_code = voucher_code


class RefundError(Exception):
    """The refund cannot be made; the message is for the merchant."""


class FulfilmentError(Exception):
    """The order cannot move to that state; the message is for the merchant."""


class OrderStatusError(Exception):
    """A service asked for a status change that the order's life (models.TRANSITIONS) does not
    allow: a bug or a race the service did not check for; nothing was saved."""

    def __init__(self, *, order, status: str):
        super().__init__(f"Order {order.number} cannot go from {order.status} to {status}.")
        self.order_status = order.status
        self.status = status
