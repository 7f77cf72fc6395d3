class PaymentNotPossible(Exception):
    """The order cannot be paid now; the message is for the shopper."""
