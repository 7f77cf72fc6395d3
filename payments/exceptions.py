import enum


class PaymentErrorCode(enum.StrEnum):
    NOT_PAYABLE = "not_payable"  # the order is not awaiting payment


class PaymentNotPossible(Exception):
    """The order cannot be paid now; the message is for the shopper, the code for a program."""

    def __init__(self, message: str, code: PaymentErrorCode = PaymentErrorCode.NOT_PAYABLE):
        super().__init__(message)
        self.code = code
