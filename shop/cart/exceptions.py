class CartError(Exception):
    """A cart change the shopper asked for that cannot be made; the message is for them, the
    code for a program (the API's error codes): invalid_quantity, too_many, sold_out,
    unknown_variant, wrong_product, unknown_line, not_sold."""

    def __init__(self, message: str, code: str = "cart_refused"):
        super().__init__(message)
        self.code = code
