"""Saving products for later. A signed-in shopper's list is in the database (one item per
product by constraint); a guest's is a list of product ids in their session, moved into
their account when they sign in (wishlists/receivers.py), as the cart is. Each function is
one transaction; a refusal raises WishlistError and changes nothing."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shop.catalog import selectors as catalog_selectors
from wishlists.exceptions import WishlistError, WishlistErrorCode
from wishlists.models import Wishlist, WishlistItem

SESSION_KEY = "wishlist"


def _product_id(product_id) -> int:
    try:
        product_id = int(str(product_id)[:20])
    except (TypeError, ValueError):
        product_id = 0
    if (
        not 0 < product_id < 2**62
        or not catalog_selectors.listed_products().filter(pk=product_id).exists()
    ):
        raise WishlistError(_("That product is not sold here."), WishlistErrorCode.UNKNOWN_PRODUCT)
    return product_id


def wishlist_of(user) -> Wishlist:
    wishlist = Wishlist.objects.filter(user=user).first()
    if wishlist is None:
        try:
            with transaction.atomic():
                wishlist, _created = Wishlist.objects.get_or_create(user=user)
        except IntegrityError:  # a parallel request made it first
            wishlist = Wishlist.objects.get(user=user)
    return wishlist


def _full() -> WishlistError:
    return WishlistError(
        _("Your wishlist is full (%(n)d products). Remove one to save another.")
        % {"n": settings.WISHLIST_MAX_ITEMS},
        WishlistErrorCode.FULL,
    )


def add_for_user(*, user, product_id) -> bool:
    """Save the product in the user's list; False if it was there already."""
    product_id = _product_id(product_id)
    with transaction.atomic():
        wishlist = Wishlist.objects.select_for_update().get(pk=wishlist_of(user).pk)
        if wishlist.items.filter(product_id=product_id).exists():
            return False
        if wishlist.items.count() >= settings.WISHLIST_MAX_ITEMS:
            raise _full()
        WishlistItem.objects.create(wishlist=wishlist, product_id=product_id)
        return True


def remove_for_user(*, user, product_id) -> bool:
    try:
        product_id = int(str(product_id)[:20])
    except (TypeError, ValueError):
        return False
    if not 0 < product_id < 2**62:
        return False
    deleted, _rows = WishlistItem.objects.filter(
        wishlist__user=user, product_id=product_id
    ).delete()
    return bool(deleted)


def session_ids(request) -> list[int]:
    ids = request.session.get(SESSION_KEY) or []
    return [i for i in ids if isinstance(i, int)][: settings.WISHLIST_MAX_ITEMS]


def add(*, request, product_id) -> bool:
    """The shopper's list, signed in or not. True if it was added."""
    if request.user.is_authenticated:
        return add_for_user(user=request.user, product_id=product_id)
    product_id = _product_id(product_id)
    ids = session_ids(request)
    if product_id in ids:
        return False
    if len(ids) >= settings.WISHLIST_MAX_ITEMS:
        raise _full()
    request.session[SESSION_KEY] = [product_id, *ids]
    return True


def remove(*, request, product_id) -> bool:
    if request.user.is_authenticated:
        return remove_for_user(user=request.user, product_id=product_id)
    ids = session_ids(request)
    kept = [i for i in ids if str(i) != str(product_id)[:20]]
    request.session[SESSION_KEY] = kept
    return len(kept) != len(ids)


def merge_on_login(request, user) -> int:
    """Move the guest's saved products into the account's list (once each, within the cap,
    products no longer sold left out). Returns how many were added."""
    ids = request.session.pop(SESSION_KEY, None) or []
    ids = [i for i in ids if isinstance(i, int)]
    if not ids:
        return 0
    with transaction.atomic():
        wishlist = Wishlist.objects.select_for_update().get(pk=wishlist_of(user).pk)
        have = set(wishlist.items.values_list("product_id", flat=True))
        room = max(0, settings.WISHLIST_MAX_ITEMS - len(have))
        sold = set(
            catalog_selectors.listed_products().filter(pk__in=ids).values_list("pk", flat=True)
        )
        new = [i for i in dict.fromkeys(reversed(ids)) if i in sold and i not in have][:room]
        WishlistItem.objects.bulk_create(
            [WishlistItem(wishlist=wishlist, product_id=i) for i in new], ignore_conflicts=True
        )
        return len(new)


def share(*, user) -> Wishlist:
    """Give the list a private link (keeping the one it has)."""
    with transaction.atomic():
        wishlist = Wishlist.objects.select_for_update().get(pk=wishlist_of(user).pk)
        if not wishlist.share_token:
            wishlist.share_token = secrets.token_urlsafe(32)
            wishlist.save(update_fields=["share_token"])
        return wishlist


def stop_sharing(*, user) -> None:
    """The link stops working; sharing again makes a new one."""
    Wishlist.objects.filter(user=user).update(share_token=None)
