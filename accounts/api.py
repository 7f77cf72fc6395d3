"""A signed-in shopper's orders and address book (accounts/services.py, the pages' form)."""

from __future__ import annotations

from django.conf import settings
from django.http import QueryDict
from ninja import Field as In
from ninja import Query, Router, Schema, Status

from accounts import services
from accounts.exceptions import MAX_ADDRESSES, AddressError
from accounts.forms import AddressForm
from accounts.models import Address
from accounts.schemas import SavedAddressIn, SavedAddressOut
from orders import selectors
from orders.schemas import OrderPageOut
from shop.api.auth import signed_in
from shop.api.errors import COMMON, ApiError, not_found
from shop.api.schemas import MoneyOut, page_of

router = Router(tags=["account"])


class PageQuery(Schema):
    page: int = In(1, ge=1, le=10**6)
    page_size: int = In(20, ge=1, le=settings.API_MAX_PAGE_SIZE)


@router.get(
    "/me/orders",
    response={200: OrderPageOut, **COMMON},
    summary="My orders",
    operation_id="my_orders",
)
def my_orders(request, paging: Query[PageQuery]):
    """The signed-in shopper's orders, newest first (two queries whatever the page size)."""
    user = signed_in(request)
    orders = selectors.orders_of_user(user)
    page = orders.only("number", "status", "created_at", "total", "total_currency", "currency")
    return page_of(
        page,
        count=orders.count(),
        page=paging.page,
        page_size=paging.page_size,
        item=lambda o: {
            "number": o.number,
            "status": o.status,
            "status_text": o.get_status_display(),
            "created_at": o.created_at,
            "total": MoneyOut.of(o.total),
        },
    )


def _address(address: Address) -> dict:
    return {
        **{field: getattr(address, field) for field in Address.FIELDS},
        "id": address.pk,
        "is_default": address.is_default,
    }


@router.get(
    "/me/addresses",
    response={200: list[SavedAddressOut], **COMMON},
    summary="My addresses",
    operation_id="my_addresses",
)
def my_addresses(request):
    user = signed_in(request)
    return [_address(a) for a in Address.objects.filter(user=user)[:MAX_ADDRESSES]]


@router.post(
    "/me/addresses",
    response={201: SavedAddressOut, **COMMON},
    summary="Save an address",
    operation_id="add_address",
)
def add_address(request, body: SavedAddressIn):
    """Validated as the address book's form is (regions of the country, required lines);
    `is_default` makes it the one checkout starts with."""
    user = signed_in(request)
    data = QueryDict(mutable=True)
    data.update({k: v for k, v in body.model_dump().items() if k != "is_default"})
    if body.is_default:
        data["is_default"] = "on"
    form = AddressForm(data)
    if not form.is_valid():
        raise ApiError.from_form(form)
    try:
        address = services.save_address(user=user, data=form.cleaned_data)
    except AddressError as error:
        raise ApiError(422, error.code, str(error)) from None
    return Status(201, _address(address))


@router.delete(
    "/me/addresses/{address_id}",
    response={204: None, **COMMON},
    summary="Delete an address",
    operation_id="delete_address",
)
def delete_address(request, address_id: int):
    user = signed_in(request)
    if not 0 < address_id < 2**62:
        raise not_found("That address")
    try:
        services.delete_address(user=user, address_id=address_id)
    except Address.DoesNotExist:
        raise not_found("That address") from None
    return Status(204, None)
