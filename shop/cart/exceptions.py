class CartError(Exception):
    """A cart change the shopper asked for that cannot be made; the message is for them."""
