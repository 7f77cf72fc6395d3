from django.utils.translation import gettext as _


class CheckoutError(Exception):
    """The checkout cannot go on; the message is for the shopper."""


class OutOfStock(CheckoutError):
    def __init__(self, variants):
        self.variants = list(variants)
        names = ", ".join(str(v) for v in self.variants)
        super().__init__(_("Sorry, not enough stock left for: %(items)s.") % {"items": names})


class VoucherError(CheckoutError):
    """The discount code cannot be used; the message says why."""


class RefundError(Exception):
    """The refund cannot be made; the message is for the merchant."""


class FulfilmentError(Exception):
    """The order cannot move to that state; the message is for the merchant."""
