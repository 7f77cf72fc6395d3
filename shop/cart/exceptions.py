import enum


class CartErrorCode(enum.StrEnum):
    """Why a cart change was refused, for a program (the API's error codes)."""

    CART_REFUSED = "cart_refused"
    INVALID_QUANTITY = "invalid_quantity"
    TOO_MANY = "too_many"
    SOLD_OUT = "sold_out"
    UNKNOWN_VARIANT = "unknown_variant"
    WRONG_PRODUCT = "wrong_product"
    UNKNOWN_LINE = "unknown_line"
    NOT_SOLD = "not_sold"
    CART_EMPTY = "cart_empty"


class CartError(Exception):
    """A cart change the shopper asked for that cannot be made; the message is for them, the
    code (a CartErrorCode) for a program."""

    def __init__(self, message: str, code: CartErrorCode = CartErrorCode.CART_REFUSED):
        super().__init__(message)
        self.code = code
