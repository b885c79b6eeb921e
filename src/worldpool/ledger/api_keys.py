"""API keys: stored as SHA-256 digests, each with one scope.

Keys are 256-bit random tokens, so a fast digest is enough (no password
stretching is needed for high-entropy secrets); only the digest is stored and
the plain key is shown once, at creation.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine, and_, select, update

from worldpool.errors import InputError
from worldpool.ledger.db import reader
from worldpool.ledger.order_tables import api_keys

__all__ = ["SCOPES", "create_api_key", "digest", "revoke_api_key", "scope_of"]

SCOPES = ("read", "write", "admin")
"""Scopes from weakest to strongest; each includes the ones before it."""


def digest(key: str) -> str:
    """Return the SHA-256 hex digest stored for ``key``."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(engine: Engine, name: str, scope: str) -> str:
    """Create a key named ``name`` with ``scope``; return the plain key (shown once).

    Raises:
        InputError: when ``scope`` is not one of :data:`SCOPES`.
    """
    if scope not in SCOPES:
        raise InputError(
            f"must be one of {', '.join(SCOPES)}",
            record="api key",
            field="scope",
            value=scope,
        )
    key = "wp_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            api_keys.insert().values(
                name=name,
                key_hash=digest(key),
                scope=scope,
                created_at=datetime.now(UTC),
            )
        )
    return key


def scope_of(engine: Engine, key: str) -> str | None:
    """Return the scope of a valid, unrevoked ``key``; None otherwise."""
    stmt = select(api_keys.c.scope).where(
        and_(api_keys.c.key_hash == digest(key), api_keys.c.revoked_at.is_(None))
    )
    with reader(engine).connect() as conn:
        return conn.execute(stmt).scalar_one_or_none()


def revoke_api_key(engine: Engine, name: str) -> int:
    """Revoke every key named ``name``; return how many."""
    with engine.begin() as conn:
        done = conn.execute(
            update(api_keys)
            .where(and_(api_keys.c.name == name, api_keys.c.revoked_at.is_(None)))
            .values(revoked_at=datetime.now(UTC))
        )
    return int(done.rowcount)
