"""Reading wishlists: the shopper's own (signed in or in the session) and a shared one, each
product with what it costs and whether it is in stock now (the catalog's card columns), and
its only variant when it has one (so "Add to cart" needs no choice). Three queries."""

from __future__ import annotations

from django.db.models import Prefetch

from shop.catalog import selectors as catalog_selectors
from shop.catalog.models import Variant
from wishlists.models import Wishlist, WishlistItem
from wishlists.services import session_ids


def saved_ids(request) -> list[int]:
    if request.user.is_authenticated:
        return ids_of(request.user)
    return session_ids(request)


def listed_product(product_id):
    if not 0 < product_id < 2**62:
        return None
    return catalog_selectors.listed_products().filter(pk=product_id).first()


def ids_of(user) -> list[int]:
    """The user's saved products, newest first."""
    return list(
        WishlistItem.objects.filter(wishlist__user=user).values_list("product_id", flat=True)
    )


def _products(ids: list[int]) -> list:
    products = (
        catalog_selectors.listed_products()
        .filter(pk__in=ids)
        .prefetch_related(Prefetch("variants", queryset=Variant.objects.order_by("position", "pk")))
    )
    by_id = {p.pk: p for p in products}
    shown = [by_id[i] for i in ids if i in by_id]  # the list's order: newest saved first
    for product in shown:
        variants = list(product.variants.all())
        product.only_variant = variants[0] if len(variants) == 1 else None
    return shown


def products_of(request) -> list:
    return _products(saved_ids(request))


def products_of_user(user) -> list:
    return _products(ids_of(user))


def shared(token: str) -> list | None:
    """The products of the list shared under `token`, or None: nothing else of it (neither
    its owner's name, email nor address)."""
    token = str(token)[:64]
    wishlist = Wishlist.objects.filter(share_token=token).only("pk").first() if token else None
    if wishlist is None:
        return None
    ids = list(WishlistItem.objects.filter(wishlist=wishlist).values_list("product_id", flat=True))
    return _products(ids)


def share_token_of(user) -> str | None:
    return Wishlist.objects.filter(user=user).values_list("share_token", flat=True).first()
