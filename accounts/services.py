"""Account actions: the address book and closing an account. Each one transaction."""

from __future__ import annotations

from django.db import transaction

from accounts.exceptions import MAX_ADDRESSES, AddressBookFull
from accounts.models import Address, User
from orders import services as order_services
from shop.languages import is_shop_language


def save_address(*, user: User, data: dict, address_id: int | None = None) -> Address:
    """Add or change one of the user's addresses; `is_default` moves the default to it.
    Another user's address id raises Address.DoesNotExist (a 404 for the view); a new one
    beyond MAX_ADDRESSES raises AddressBookFull (counted under the user's lock, so two at once
    cannot both pass)."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one default at a time
        if not address_id and Address.objects.filter(user=user).count() >= MAX_ADDRESSES:
            raise AddressBookFull()
        address = (
            Address.objects.get(pk=address_id, user=user) if address_id else Address(user=user)
        )
        for field in (*Address.FIELDS, "is_default"):
            setattr(address, field, data.get(field, getattr(address, field)))
        first = not Address.objects.filter(user=user).exclude(pk=address.pk).exists()
        if address.is_default or first:
            Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(
                is_default=False
            )
            address.is_default = True
        address.save()
        return address


def make_default(*, user: User, address_id: int) -> Address:
    return save_address(user=user, data={"is_default": True}, address_id=address_id)


def delete_address(*, user: User, address_id: int) -> None:
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        address = Address.objects.get(pk=address_id, user=user)
        address.delete()
        if address.is_default:
            successor = Address.objects.filter(user=user).order_by("-created_at").first()
            if successor is not None:
                successor.is_default = True
                successor.save(update_fields=["is_default"])


def delete_account(*, user: User) -> int:
    """Close the account: orders stay for the merchant's books with the personal details
    removed; addresses, emails and authenticators go with the user. Returns the orders kept."""
    with transaction.atomic():
        kept = order_services.anonymise_orders_of(user=user)
        user.delete()
        return kept


def set_language(*, user: User, language: str) -> bool:
    """Remember the shop language the shopper chose (account emails are written in it).
    Returns False, changing nothing, for a code that is not one of the shop's languages."""
    if not is_shop_language(language):
        return False
    User.objects.filter(pk=user.pk).exclude(language=language).update(language=language)
    user.language = language
    return True
