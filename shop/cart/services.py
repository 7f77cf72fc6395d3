"""Changing carts. Each function is one transaction and raises CartError with a message for
the shopper when the change cannot be made, leaving the cart as it was."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from shop.cart import metrics as cart_metrics
from shop.cart.exceptions import CartError, CartErrorCode
from shop.cart.models import Cart, CartLine
from shop.cart.selectors import SESSION_KEY, cart_for_request
from shop.catalog import prices
from shop.catalog.models import MAX_LINE_QUANTITY, Product, Variant
from shop.catalog.prices import is_shop_currency


def get_or_create_cart(request) -> Cart:
    """The shopper's cart, created on first use (and remembered in the session)."""
    user = request.user
    if user.is_authenticated:
        cart = Cart.objects.filter(user=user).first()
        if cart is not None:
            return cart
        try:
            with transaction.atomic():
                cart, _created = Cart.objects.get_or_create(
                    user=user,
                    defaults={"currency": market_currency(getattr(request, "market", None))},
                )
        except IntegrityError:  # a parallel request created it first
            cart = Cart.objects.get(user=user)
        return cart
    cart_id = request.session.get(SESSION_KEY)
    cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    if cart is None:
        cart = Cart.objects.create(currency=market_currency(getattr(request, "market", None)))
        request.session[SESSION_KEY] = cart.pk
    return cart


def market_currency(market) -> str:
    """What a cart made in this market stores as its currency ("" for the shop's own)."""
    if market is None or is_shop_currency(market.price_currency):
        return ""
    return market.price_currency


def _check_quantity(variant: Variant, quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise CartError(
            _("Quantity must be a whole number of at least 1."), CartErrorCode.INVALID_QUANTITY
        )
    if quantity > MAX_LINE_QUANTITY:
        raise CartError(
            _("You can buy at most %(n)d of one item.") % {"n": MAX_LINE_QUANTITY},
            CartErrorCode.TOO_MANY,
        )
    if quantity > variant.available:
        cart_metrics.STOCK_REFUSALS.labels("cart").inc()
        if variant.available == 0:
            raise CartError(
                _("Sorry, %(item)s is sold out.") % {"item": variant}, CartErrorCode.SOLD_OUT
            )
        raise CartError(
            _("Sorry, only %(n)d of %(item)s left.") % {"n": variant.available, "item": variant},
            CartErrorCode.SOLD_OUT,
        )


def issue_token(cart: Cart) -> Cart:
    """Give the cart its API token if it has none (a random 256-bit value, URL-safe)."""
    if not cart.token:
        token = secrets.token_urlsafe(32)
        Cart.objects.filter(pk=cart.pk, token__isnull=True).update(token=token)
        cart.token = Cart.objects.values_list("token", flat=True).get(pk=cart.pk)
    return cart


def cart_for_api(user, market=None) -> Cart:
    """A cart for the API: a signed-in user's own (created on first use), or a new guest cart;
    with its token. A new cart is priced in `market`'s currency."""
    currency = market_currency(market)
    if getattr(user, "is_authenticated", False):
        cart = Cart.objects.filter(user=user).first()
        if cart is None:
            try:
                with transaction.atomic():
                    cart, _created = Cart.objects.get_or_create(
                        user=user, defaults={"currency": currency}
                    )
            except IntegrityError:  # a parallel request created it first
                cart = Cart.objects.get(user=user)
        return issue_token(cart)
    return Cart.objects.create(token=secrets.token_urlsafe(32), currency=currency)


def add_line(
    *, cart: Cart, variant_id: int, quantity: int, product_id: int | None = None
) -> CartLine:
    """Add units of a variant to this cart, summing with what it already holds."""
    return _add(Q(cart=cart), lambda: cart, variant_id, quantity, product_id, cart.currency)


def add_to_cart(*, request, variant_id: int, quantity: int, product_id: int | None = None):
    """Add units of a variant to the shopper's cart (created on first use).

    `product_id` is the product whose page the shopper was on: an option of another product
    (a tampered form) is refused. The common case (the cart already holds some) is two
    queries: the variant with what the shopper's cart holds of it, then the addition.
    """
    user = request.user
    if user.is_authenticated:
        mine = Q(cart__user=user)
    else:
        cart_id = request.session.get(SESSION_KEY)
        mine = Q(cart_id=cart_id, cart__user__isnull=True) if cart_id else Q(pk__in=[])
    # Checked against the market's currency: the cart follows the market when it is next
    # shown (follow_market), and is priced in one currency, its own, whatever it holds.
    currency = market_currency(getattr(request, "market", None))
    return _add(
        mine, lambda: get_or_create_cart(request), variant_id, quantity, product_id, currency
    )


def follow_market(*, request, cart: Cart | None = None) -> list[str]:
    """Bring the shopper's cart (`cart` if already read) into their market's currency if it
    is in another (re-priced, lines not sold there removed); returns the notes for the
    shopper, none if nothing changed."""
    cart = cart if cart is not None else cart_for_request(request)
    market = getattr(request, "market", None)
    if cart is None or market is None or cart.currency == market_currency(market):
        return []
    return switch_currency(cart=cart, currency=market_currency(market), market_name=market.name)


def switch_currency(*, cart: Cart, currency: str, market_name: str = "") -> list[str]:
    """Re-price the cart in `currency` ("" for the shop's own): every line is priced in it
    from now on, and lines not sold in it are removed. One transaction, the cart row locked;
    returns what changed, in words for the shopper. A cart never holds two currencies."""
    with transaction.atomic():
        cart = Cart.objects.select_for_update().get(pk=cart.pk)
        if cart.currency == currency:
            return []
        notes = []
        lines = list(cart.lines.select_related("variant__product"))
        sold = {v.pk for v in prices.attach_prices([line.variant for line in lines], currency)}
        shown = currency or settings.SHOP_CURRENCY
        for line in lines:
            if line.variant.pk not in sold:
                line.delete()
                notes.append(
                    _("%(item)s is not sold in %(market)s and was removed from your cart.")
                    % {"item": line.variant, "market": market_name or shown}
                )
        cart.currency = currency
        cart.save(update_fields=["currency", "updated_at"])
        if len(notes) < len(lines):
            notes.insert(0, _("Your cart is now priced in %(currency)s.") % {"currency": shown})
        return notes


def _add(mine: Q, cart_for_new_line, variant_id, quantity, product_id, currency=None):
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise CartError(
            _("Quantity must be a whole number of at least 1."), CartErrorCode.INVALID_QUANTITY
        )
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _add_line(
                    mine, cart_for_new_line, variant_id, quantity, product_id, currency
                )
        except IntegrityError:
            # Two adds at once for a new line met at the unique (cart, variant) constraint:
            # the second becomes an addition to the first's line.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _add_line(
    mine: Q, cart_for_new_line, variant_id, quantity, product_id, currency=None
) -> CartLine:
    variant = _variant_with_line(mine, variant_id)
    if variant is None:
        raise CartError(_("That product is not available."), CartErrorCode.UNKNOWN_VARIANT)
    if prices.price_in(variant, currency) is None:
        raise CartError(
            _("Sorry, %(item)s is not sold in %(currency)s.")
            % {"item": variant, "currency": currency},
            CartErrorCode.NOT_SOLD,
        )
    if product_id is not None and variant.product_id != product_id:
        raise CartError(
            _("That option does not belong to this product."), CartErrorCode.WRONG_PRODUCT
        )
    current = variant.in_cart or 0
    _check_quantity(variant, current + quantity)
    if variant.line_id is None:
        cart = cart_for_new_line()
        return CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    # Added to what is there now (a concurrent add is summed, not lost); the amounts are
    # checked again, under the stock locks, when the order is placed.
    CartLine.objects.filter(pk=variant.line_id).update(quantity=F("quantity") + quantity)
    return CartLine(pk=variant.line_id, variant=variant, quantity=current + quantity)


def _variant_with_line(mine: Q, variant_id: int) -> Variant | None:
    """The published variant with its product's name and the shopper's line for it, in one
    query. Written once as SQL: it is the hot path of adding to a cart, and composing it
    through the ORM costs more than running it."""
    try:
        line_sql, line_params = (
            CartLine.objects.filter(mine)
            .values("id", "quantity", "variant_id")
            .query.sql_with_params()
        )
    except EmptyResultSet:  # no cart yet: no line
        line_sql, line_params = (
            "SELECT CAST(NULL AS BIGINT) AS id, CAST(NULL AS INTEGER) AS quantity, "
            "CAST(NULL AS BIGINT) AS variant_id",
            [],
        )
    fields = Variant._meta.concrete_fields
    columns = ", ".join(f"v.{connection.ops.quote_name(f.column)}" for f in fields)
    sql = (
        f"SELECT {columns}, p.name, p.slug, line.id, line.quantity "  # noqa: S608
        "FROM catalog_variant AS v JOIN catalog_product AS p ON p.id = v.product_id "
        f"LEFT JOIN ({line_sql}) AS line ON line.variant_id = v.id "
        "WHERE v.id = %s AND p.is_published"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*line_params, variant_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for field, value in zip(fields, row, strict=False):
        column = field.get_col(Variant._meta.db_table)  # the ORM's own conversions (JSON…)
        for convert in connection.ops.get_db_converters(column) + field.get_db_converters(
            connection
        ):
            value = convert(value, column, connection)
        values.append(value)
    variant = Variant.from_db(connection.alias, [f.attname for f in fields], values)
    name, slug, variant.line_id, variant.in_cart = row[len(fields) :]
    variant.product = Product(pk=variant.product_id, name=name, slug=slug, is_published=True)
    return variant


def set_quantity(*, cart: Cart, line_id: int, quantity: int) -> CartLine | None:
    """Set a line's quantity; 0 removes the line."""
    with transaction.atomic():
        line = (
            CartLine.objects.select_related("variant__product")
            .filter(cart=cart, pk=line_id)
            .first()
        )
        if line is None:
            raise CartError(_("That item is no longer in your cart."), CartErrorCode.UNKNOWN_LINE)
        if quantity == 0:
            line.delete()
            return None
        if not line.variant.product.is_published:
            raise CartError(f"{line.variant} is no longer sold.", CartErrorCode.NOT_SOLD)
        _check_quantity(line.variant, quantity)
        line.quantity = quantity
        line.save(update_fields=["quantity"])
        return line


def remove_line(*, cart: Cart, line_id: int) -> None:
    deleted, _counts = CartLine.objects.filter(cart=cart, pk=line_id).delete()
    if not deleted:
        raise CartError(_("That item is no longer in your cart."), CartErrorCode.UNKNOWN_LINE)


def set_gift_card_details(*, line: CartLine, details: dict) -> None:
    """Who a gift card line is for and when it is sent (GiftCardDetailsForm.details)."""
    CartLine.objects.filter(pk=line.pk).update(gift_card=details)


def set_in_checkout(*, cart_id: int, in_checkout: bool) -> None:
    Cart.objects.filter(pk=cart_id).update(in_checkout=in_checkout)


def remove_purchased(*, cart_id: int, quantities: dict[int, int]) -> None:
    """Take what was just bought out of the cart, keeping anything added since."""
    for line in CartLine.objects.select_for_update().filter(
        cart_id=cart_id, variant_id__in=quantities
    ):
        left = line.quantity - quantities[line.variant_id]
        if left > 0:
            line.quantity = left
            line.save(update_fields=["quantity"])
        else:
            line.delete()
    set_in_checkout(cart_id=cart_id, in_checkout=False)


def merge_into_user_cart(*, session_cart_id: int, user) -> list[str]:
    """Move a signed-out cart into the user's cart when they sign in.

    Quantities are summed and capped at what is available; lines for products no longer sold
    are dropped. Returns what changed, in words for the shopper.
    """
    notes: list[str] = []
    with transaction.atomic():
        source = Cart.objects.select_for_update().filter(pk=session_cart_id, user__isnull=True)
        source = source.first()
        if source is None:
            return notes
        if source.in_checkout:
            # Its order is being paid; merging would move lines out from under it.
            notes.append(
                _("The cart you are paying for was kept as it is; your account's cart is shown.")
            )
            return notes
        target, _created = Cart.objects.get_or_create(
            user=user, defaults={"currency": source.currency}
        )
        # The cart the shopper just filled decides the currency (their market now).
        notes.extend(switch_currency(cart=target, currency=source.currency))
        target = Cart.objects.select_for_update().get(pk=target.pk)
        existing = {line.variant_id: line for line in target.lines.all()}
        source_lines = list(source.lines.select_related("variant__product"))
        sold = {
            v.pk for v in prices.attach_prices([x.variant for x in source_lines], source.currency)
        }
        for line in source_lines:
            variant = line.variant
            if variant.pk not in sold:
                continue  # not possible through the pages; a cart never mixes currencies
            if not variant.product.is_published:
                notes.append(
                    _("%(item)s is no longer sold and was removed from your cart.")
                    % {"item": variant}
                )
                continue
            wanted = line.quantity + (
                existing[variant.pk].quantity if variant.pk in existing else 0
            )
            allowed = min(wanted, variant.available, MAX_LINE_QUANTITY)
            if allowed < wanted:
                notes.append(
                    _("Only %(n)d of %(item)s are available; your cart holds %(n)d.")
                    % {"n": allowed, "item": variant}
                )
            if allowed <= 0:
                if variant.pk in existing:
                    existing[variant.pk].delete()
                continue
            CartLine.objects.update_or_create(
                cart=target, variant=variant, defaults={"quantity": allowed}
            )
        source.delete()
    return notes


def merge_on_login(request, user) -> None:
    session_cart_id = request.session.pop(SESSION_KEY, None)
    if session_cart_id is None:
        return
    for note in merge_into_user_cart(session_cart_id=session_cart_id, user=user):
        messages.warning(request, note)
