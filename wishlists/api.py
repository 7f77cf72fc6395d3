"""A signed-in shopper's wishlist in the API: list, save, remove (wishlists/services.py)."""

from __future__ import annotations

from ninja import Router, Status

from shop.api.auth import signed_in
from shop.api.errors import COMMON, ApiError
from shop.api.schemas import money_or_none
from wishlists import selectors, services
from wishlists.exceptions import WishlistError, WishlistErrorCode
from wishlists.schemas import WishlistOut

router = Router(tags=["wishlist"])


def _list(user) -> dict:
    products = selectors.products_of_user(user)
    return {
        "items": [
            {
                "product_id": p.pk,
                "slug": p.slug,
                "name": p.name,
                "price_from": money_or_none(p.price_from),
                "has_price_range": p.has_price_range,
                "in_stock": p.units_available > 0,
                "variant_id": p.only_variant.pk if p.only_variant else None,
            }
            for p in products
        ]
    }


@router.get(
    "/me/wishlist",
    response={200: WishlistOut, **COMMON},
    summary="My wishlist",
    operation_id="my_wishlist",
)
def my_wishlist(request):
    """Newest saved first, each with today's price and stock."""
    return _list(signed_in(request))


@router.put(
    "/me/wishlist/{product_id}",
    response={200: WishlistOut, 201: WishlistOut, **COMMON},
    summary="Save a product",
    operation_id="save_to_wishlist",
)
def save(request, product_id: int):
    """201 when saved now, 200 when it was saved already."""
    user = signed_in(request)
    try:
        added = services.add_for_user(user=user, product_id=product_id)
    except WishlistError as error:
        status = 404 if error.code == WishlistErrorCode.UNKNOWN_PRODUCT else 422
        raise ApiError(status, str(error.code), str(error), "product_id") from None
    return Status(201 if added else 200, _list(user))


@router.delete(
    "/me/wishlist/{product_id}",
    response={200: WishlistOut, **COMMON},
    summary="Remove a product",
    operation_id="remove_from_wishlist",
)
def remove(request, product_id: int):
    """Removing what is not there changes nothing."""
    user = signed_in(request)
    services.remove_for_user(user=user, product_id=product_id)
    return _list(user)
