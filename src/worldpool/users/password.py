"""Password hashing with argon2id (argon2-cffi's recommended parameters).

Only the hash is ever stored; :func:`verify` is constant-time in the hash
library and :func:`needs_rehash` says when stored parameters are out of date.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from worldpool.i18n import N_

__all__ = ["MIN_LENGTH", "check_strength", "hash_password", "needs_rehash", "verify"]

MIN_LENGTH = 10
"""Shortest password accepted, in characters."""

_hasher = PasswordHasher()


def check_strength(password: str) -> str | None:
    """Return why ``password`` is refused (an English msgid), or None when fine."""
    if len(password) < MIN_LENGTH:
        return N_("A password needs at least {n} characters.")
    if password.strip() != password:
        return N_("A password may not start or end with spaces.")
    return None


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password`` (salted, self-describing string)."""
    return _hasher.hash(password)


def verify(stored_hash: str, password: str) -> bool:
    """Return True when ``password`` matches ``stored_hash``."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Return True when ``stored_hash`` was made with weaker parameters than now."""
    return _hasher.check_needs_rehash(stored_hash)
