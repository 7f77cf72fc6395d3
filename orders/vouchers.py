"""Codes typed at checkout: which apply, and using one under a lock so a limit holds under
concurrency. A code is a promotion's (promotions.Promotion.code, which can carry any kind of
promotion) or a voucher from before promotions (Voucher), which the engine reads as an order
discount (totals.voucher_rule)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from moneyed import Money

from orders.exceptions import VoucherError, VoucherErrorCode
from orders.models import Order, Voucher, VoucherRedemption
from promotions import engine
from promotions import selectors as promotion_selectors
from promotions.models import Promotion, PromotionUse
from shop.catalog.templatetags.shop_tags import money as format_money

NOT_VALID = gettext_lazy("That discount code is not valid.")


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def find(code: str, *, for_update: bool = False) -> Voucher | Promotion:
    """The promotion with this code, else the voucher; VoucherError(NOT_VALID) if neither is
    on. A promotion is not locked here: placing locks every limited promotion it uses in
    primary-key order (promotions.services.lock_limited)."""
    code = normalise(code)
    if not code or len(code) > 40:
        raise VoucherError(NOT_VALID, VoucherErrorCode.NOT_VALID)
    promotion = Promotion.objects.filter(code=code).first()
    if promotion is not None:
        if not promotion.is_active:
            raise VoucherError(NOT_VALID, VoucherErrorCode.NOT_VALID)
        return promotion
    vouchers = Voucher.objects.select_for_update() if for_update else Voucher.objects
    voucher = vouchers.filter(code=code).first()
    if voucher is None or not voucher.is_active:
        raise VoucherError(NOT_VALID, VoucherErrorCode.NOT_VALID)
    return voucher


def check(
    voucher: Voucher | Promotion, *, subtotal: Money, email: str = "", exclude_order=None
) -> None:
    """Raise VoucherError with the reason the voucher cannot be used on this order."""
    if isinstance(voucher, Promotion):
        check_promotion(voucher, currency=subtotal.currency.code, email=email)
        return
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


def check_promotion(promotion: Promotion, *, currency: str, email: str = "") -> None:
    """What can be told of a promotion's code before the cart is priced: its dates, its
    currency, its limits. What it needs of the cart (a minimum, items) the engine says."""
    reason = promotion_selectors.is_running(promotion)
    if not reason:
        found = promotion_selectors.candidates(
            currency=currency, email=email, promotions=[promotion]
        )
        reason = found.refused.get(promotion.pk, "")
    if reason:
        raise refusal(reason, currency=currency)


def refusal(reason: str, *, currency: str) -> VoucherError:
    """The shopper's message for why a code does not apply (an engine or selector reason)."""
    messages = {
        "not_yet_valid": (
            _("That discount code is not valid yet."),
            VoucherErrorCode.NOT_YET_VALID,
        ),
        "expired": (_("That discount code has expired."), VoucherErrorCode.EXPIRED),
        engine.USED_UP: (_("That discount code has been used up."), VoucherErrorCode.USED_UP),
        "already_used": (
            _("You have already used that discount code."),
            VoucherErrorCode.ALREADY_USED,
        ),
        engine.NOT_IN_CURRENCY: (
            _("That discount code cannot be used in %(currency)s.") % {"currency": currency},
            VoucherErrorCode.NOT_IN_CURRENCY,
        ),
        engine.BELOW_MINIMUM: (
            _("Your order does not reach that discount code's minimum yet."),
            VoucherErrorCode.BELOW_MINIMUM,
        ),
        engine.CONDITIONS_NOT_MET: (
            _("Your order does not meet that discount code's conditions."),
            VoucherErrorCode.CONDITIONS_NOT_MET,
        ),
        engine.NO_ELIGIBLE_ITEMS: (
            _("That discount code gives nothing more on the items in your cart."),
            VoucherErrorCode.NO_ELIGIBLE_ITEMS,
        ),
        engine.DOES_NOT_COMBINE: (
            _("That discount code cannot be combined with the promotions already applied."),
            VoucherErrorCode.DOES_NOT_COMBINE,
        ),
        engine.SHIPPING_NOT_COVERED: (
            _("That discount code does not cover the shipping method chosen."),
            VoucherErrorCode.CONDITIONS_NOT_MET,
        ),
    }
    message, code = messages.get(reason, (NOT_VALID, VoucherErrorCode.NOT_VALID))
    return VoucherError(str(message), code)


def redeem(*, voucher: Voucher, order: Order) -> Voucher:
    """Use the voucher for the order. The caller found it locked and checked it in the order's
    transaction (orders.checkout.applicable_voucher with for_update=True), so its limits are
    counted by one checkout at a time and are not checked again here."""
    if isinstance(voucher, Voucher):
        VoucherRedemption.objects.create(voucher=voucher, order=order, email=order.email.lower())
    return voucher  # a promotion's use is written with the others (record_uses)


def record_uses(*, order: Order, applied) -> None:
    """One PromotionUse per promotion the order got (its amount, for budgets). Called in the
    placing transaction, after lock_limited took the promotions' row locks."""
    PromotionUse.objects.bulk_create(
        PromotionUse(
            promotion_id=a.id,
            order=order,
            email=order.email.lower(),
            currency=order.currency,
            amount=a.amount.amount,
        )
        for a in applied
        if a.id is not None
    )


def lock_limited(*, currency: str, code: str = "") -> list[Promotion]:
    """Lock (primary-key order) every running promotion with a limit, and the one with this
    code: their uses are then counted by one checkout at a time."""
    ids = (
        promotion_selectors.running(codes=(code,) if code else ())
        .filter(
            Q(usage_limit__isnull=False)
            | Q(per_customer_limit__isnull=False)
            | Q(prices__budget__isnull=False)
        )
        .values("pk")
    )
    return list(Promotion.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def give_back(*, order: Order) -> None:
    """An unpaid order that expired or was cancelled no longer uses its voucher."""
    VoucherRedemption.objects.filter(order=order).delete()
    PromotionUse.objects.filter(order=order).delete()


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
