"""Credentials encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The key comes from ``WORLDPOOL_SECRET_KEY`` (``Settings.secret_key``): either a
Fernet key (44 url-safe base64 characters, ``Fernet.generate_key()``) or any
passphrase, which is stretched to one with SHA-256. Without it no credential
can be stored or read. Tokens never appear in errors, logs or API replies.

References:
    cryptography.io, "Fernet (symmetric encryption)".
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from worldpool.errors import ConfigError

__all__ = ["mask", "seal", "unseal"]


def _fernet(key: str | None) -> Fernet:
    if not key:
        raise ConfigError(
            "no secret key: set WORLDPOOL_SECRET_KEY to store channel credentials"
        )
    raw = key.encode()
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32:
            return Fernet(raw)
    except ValueError:
        pass
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(raw).digest()))


def seal(credentials: dict[str, str], key: str | None) -> str:
    """Return ``credentials`` encrypted with ``key`` (a Fernet token, text)."""
    return (
        _fernet(key).encrypt(json.dumps(credentials, sort_keys=True).encode()).decode()
    )


def unseal(token: str, key: str | None) -> dict[str, Any]:
    """Return the credentials in ``token``.

    Raises:
        ConfigError: no key, or the key is not the one they were sealed with
            (the message says so and shows nothing of either).
    """
    try:
        data = json.loads(_fernet(key).decrypt(token.encode()))
    except InvalidToken:
        raise ConfigError(
            "stored credentials cannot be decrypted: WORLDPOOL_SECRET_KEY is not "
            "the key they were stored with"
        ) from None
    return dict(data)


def mask(credentials: dict[str, Any]) -> dict[str, str]:
    """Return the credential NAMES with their values hidden (for display)."""
    return dict.fromkeys(sorted(credentials), "***")
