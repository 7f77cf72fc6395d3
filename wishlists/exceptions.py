import enum


class WishlistErrorCode(enum.StrEnum):
    UNKNOWN_PRODUCT = "unknown_product"
    FULL = "wishlist_full"
    NOT_SIGNED_IN = "not_signed_in"


class WishlistError(Exception):
    """A wishlist change that cannot be made; nothing was changed."""

    def __init__(self, message: str, code: WishlistErrorCode):
        super().__init__(message)
        self.code = code
