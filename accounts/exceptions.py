"""The accounts' domain errors, each with a code (an enum) for programs: the API answers the
code, the pages show the message."""

from __future__ import annotations

import enum

from django.utils.translation import gettext as _

MAX_ADDRESSES = 100  # a user's address book holds at most this many


class AddressErrorCode(enum.StrEnum):
    TOO_MANY = "too_many"  # the address book is full


class AddressError(Exception):
    """The address cannot be saved; the message is for the shopper, the code for a program."""

    def __init__(self, message: str, code: AddressErrorCode):
        super().__init__(message)
        self.code = code


class AddressBookFull(AddressError):
    def __init__(self):
        super().__init__(
            _("An address book holds at most %(count)d addresses.") % {"count": MAX_ADDRESSES},
            AddressErrorCode.TOO_MANY,
        )
