"""Voucher codes: which apply, and using one under a lock so a limit holds under concurrency."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from moneyed import Money

from orders.exceptions import VoucherError, VoucherErrorCode
from orders.models import Order, Voucher, VoucherRedemption
from shop.catalog.templatetags.shop_tags import money as format_money

NOT_VALID = gettext_lazy("That discount code is not valid.")


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def find(code: str, *, for_update: bool = False) -> Voucher:
    code = normalise(code)
    if not code or len(code) > 40:
        raise VoucherError(NOT_VALID, VoucherErrorCode.NOT_VALID)
    vouchers = Voucher.objects.select_for_update() if for_update else Voucher.objects
    voucher = vouchers.filter(code=code).first()
    if voucher is None or not voucher.is_active:
        raise VoucherError(NOT_VALID, VoucherErrorCode.NOT_VALID)
    return voucher


def check(voucher: Voucher, *, subtotal: Money, email: str = "", exclude_order=None) -> None:
    """Raise VoucherError with the reason the voucher cannot be used on this order."""
    now = timezone.now()
    if voucher.valid_from and now < voucher.valid_from:
        raise VoucherError(
            _("That discount code is not valid yet."), VoucherErrorCode.NOT_YET_VALID
        )
    if voucher.valid_until and now >= voucher.valid_until:
        raise VoucherError(_("That discount code has expired."), VoucherErrorCode.EXPIRED)
    terms = voucher.terms_in(subtotal.currency.code)
    if terms is None or (voucher.kind == Voucher.Kind.FIXED and terms.value is None):
        raise VoucherError(
            _("That discount code cannot be used in %(currency)s.")
            % {"currency": subtotal.currency.code},
            VoucherErrorCode.NOT_IN_CURRENCY,
        )
    if terms.minimum_order is not None and subtotal.amount < terms.minimum_order:
        raise VoucherError(
            _("That discount code needs an order of at least %(amount)s.")
            % {"amount": format_money(Money(terms.minimum_order, subtotal.currency))},
            VoucherErrorCode.BELOW_MINIMUM,
        )
    uses = VoucherRedemption.objects.filter(voucher=voucher)
    if exclude_order is not None:
        uses = uses.exclude(order=exclude_order)
    if voucher.usage_limit is not None and uses.count() >= voucher.usage_limit:
        raise VoucherError(_("That discount code has been used up."), VoucherErrorCode.USED_UP)
    if (
        voucher.per_customer_limit is not None
        and email
        and uses.filter(email__iexact=email).count() >= voucher.per_customer_limit
    ):
        raise VoucherError(
            _("You have already used that discount code."), VoucherErrorCode.ALREADY_USED
        )


def redeem(*, voucher: Voucher, order: Order) -> Voucher:
    """Use the voucher for the order. The caller found it locked and checked it in the order's
    transaction (orders.checkout.applicable_voucher with for_update=True), so its limits are
    counted by one checkout at a time and are not checked again here."""
    VoucherRedemption.objects.create(voucher=voucher, order=order, email=order.email.lower())
    return voucher


def give_back(*, order: Order) -> None:
    """An unpaid order that expired or was cancelled no longer uses its voucher."""
    VoucherRedemption.objects.filter(order=order).delete()


def issue_single_use(*, percent: int, email: str, days: int, prefix: str = "") -> Voucher:
    """A new code for one use by one address (an abandoned-cart reminder's offer): `percent`
    off, valid for `days`. Call inside the transaction that decided it."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O/1/I: codes are typed from emails
    for _attempt in range(5):
        code = prefix + "".join(secrets.choice(alphabet) for _position in range(10))
        if not Voucher.objects.filter(code=code).exists():
            break
    return Voucher.objects.create(
        code=code,
        kind=Voucher.Kind.PERCENTAGE,
        value=Decimal(max(1, min(int(percent), 100))),
        valid_until=timezone.now() + timedelta(days=days),
        usage_limit=1,
        per_customer_limit=1,
    )
