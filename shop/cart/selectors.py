"""Reading carts: finding the shopper's cart and pricing it from the catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import OuterRef, Sum
from django.utils.translation import gettext as _
from moneyed import Money

from shop.cart.models import Cart, CartLine
from shop.catalog import images, prices
from shop.catalog.models import Product, Variant
from shop.catalog.selectors import variant_photo
from shop.money import money, zero

SESSION_KEY = "cart_id"


def cart_for_request(request) -> Cart | None:
    """The shopper's cart if there is one; never creates one."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Cart.objects.filter(user=user).first()
    cart_id = request.session.get(SESSION_KEY)
    if cart_id is None:
        return None
    return Cart.objects.filter(pk=cart_id, user__isnull=True).first()


def cart_quantity_for_request(request) -> int:
    """Units in the shopper's cart, for the header: one query, none without a cart."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        lines = CartLine.objects.filter(cart__user=user)
    elif hasattr(request, "session") and request.session.get(SESSION_KEY):
        lines = CartLine.objects.filter(
            cart_id=request.session[SESSION_KEY], cart__user__isnull=True
        )
    else:
        return 0
    return lines.aggregate(n=Sum("quantity"))["n"] or 0


@dataclass(frozen=True)
class PricedLine:
    line_id: int
    variant: Variant
    quantity: int
    unit_price: Money
    line_total: Money
    image_path: str | None
    problem: str = ""
    # A blocking problem (product withdrawn) stops checkout; a stock shortage is a warning
    # here and is decided for real under the row locks when the order is placed.
    blocking: bool = False
    gift_card: dict = field(default_factory=dict)  # a gift card's recipient and send date

    @property
    def thumbnail(self) -> str:
        """The variant's own photo, small."""
        return images.thumbnail_url(self.image_path)


@dataclass(frozen=True)
class PricedCart:
    cart: Cart | None
    lines: list[PricedLine]
    subtotal: Money

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]

    @property
    def blocking_problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.blocking]

    @property
    def can_check_out(self) -> bool:
        return bool(self.lines) and not self.blocking_problems


def price_cart(cart: Cart | None) -> PricedCart:
    """Price every line from the catalog now; a price in the cart is never trusted.

    One query for any number of lines.
    """
    currency = cart.currency_code if cart is not None else settings.SHOP_CURRENCY
    if cart is None:
        return PricedCart(cart=None, lines=[], subtotal=zero(currency))
    rows = (
        prices.with_prices(CartLine.objects.filter(cart=cart), cart.currency, ref="variant_id")
        .select_related("variant__product")
        .defer(*(f"variant__product__{name}" for name in Product.SEARCH_FIELDS))
        .annotate(image_path=variant_photo(OuterRef("variant_id")))
        .order_by("added_at", "pk")
    )
    lines = []
    subtotal = Decimal(0)
    for row in rows:
        variant = row.variant
        if hasattr(row, "market_amount"):
            variant.market_amount = row.market_amount
        price = prices.price_in(variant, cart.currency)
        unit = price if price is not None else zero(currency)
        total = money(unit.amount * row.quantity, currency)
        problem, blocking = "", False
        if not variant.product.is_published:
            problem, blocking = (
                _("%(item)s is no longer sold. Please remove it.") % {"item": variant},
                True,
            )
        elif price is None or price.currency.code != currency:
            problem = _("%(item)s cannot be sold in %(currency)s.") % {
                "item": variant,
                "currency": currency,
            }
            blocking = True
        elif variant.available < row.quantity:
            problem = (
                _("Only %(n)d of %(item)s left; please lower the quantity.")
                % {"n": variant.available, "item": variant}
                if variant.available
                else _("%(item)s is sold out. Please remove it.") % {"item": variant}
            )
        if not blocking:
            subtotal += total.amount
        lines.append(
            PricedLine(
                line_id=row.pk,
                variant=variant,
                quantity=row.quantity,
                unit_price=unit,
                line_total=total,
                image_path=row.image_path,
                problem=problem,
                blocking=blocking,
                gift_card=row.gift_card,
            )
        )
    return PricedCart(cart=cart, lines=lines, subtotal=money(subtotal, currency))
