"""Gift card codes: made, normalised, hashed and shown.

A code is 16 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown in groups
of four. Only a keyed hash (HMAC-SHA256 under a key derived from SECRET_KEY) and the last four
characters are stored: after the code is shown once to whoever issued or bought it, only the
last four ever appear again (admin, logs, metrics, API).
"""

from __future__ import annotations

import secrets

from django.utils.crypto import salted_hmac

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 16
GROUP = 4


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _position in range(LENGTH))


def normalise(typed: str) -> str:
    """What the shopper typed, as stored: capitals, without spaces or dashes."""
    return "".join(ch for ch in str(typed).upper() if ch not in " -\t\n\r")


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def code_hash(code: str) -> str:
    return salted_hmac("giftcards.code", normalise(code), algorithm="sha256").hexdigest()


def grouped(code: str) -> str:
    """ABCD-EFGH-JKMN-PQRS."""
    code = normalise(code)
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def masked(last4: str) -> str:
    """How a card is named after its code was shown once: •••• 4X7Q."""
    return f"•••• {last4}"


def _sealer():
    import base64
    import hashlib

    from cryptography.fernet import Fernet
    from django.conf import settings

    key = hashlib.sha256(f"giftcards.seal:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(code: str) -> str:
    """The code encrypted (a key derived from SECRET_KEY), for the one email that carries it:
    kept only until that email is sent, then erased."""
    return _sealer().encrypt(normalise(code).encode()).decode()


def unseal(sealed: str) -> str:
    return _sealer().decrypt(sealed.encode()).decode()
