"""API keys: stored as SHA-256 digests, each with one scope and one seller.

Keys are 256-bit random tokens, so a fast digest is enough (no password
stretching is needed for high-entropy secrets); only the digest is stored and
the plain key is shown once, at creation. A key acts for one seller, or for
every seller (``*``: the 3PL operator, who names the seller per request).
Lookups always read the database, so a revoked key stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, and_, select, update

from worldpool.errors import InputError
from worldpool.ledger.db import reader
from worldpool.ledger.order_tables import api_keys
from worldpool.ledger.sellers import ALL_SELLERS
from worldpool.ledger.tables import DEFAULT_SELLER

__all__ = [
    "SCOPES",
    "KeyInfo",
    "create_api_key",
    "digest",
    "list_api_keys",
    "lookup_key",
    "revoke_api_key",
    "scope_of",
]

SCOPES = ("read", "write", "admin")
"""Scopes from weakest to strongest; each includes the ones before it."""

_ROLE_OF_SCOPE = {"read": "viewer", "write": "operator", "admin": "owner"}


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What a valid key may do, and for whom."""

    name: str
    """The key's name (shown in lists and audit records)."""
    scope: str
    """``read``, ``write`` or ``admin`` (see :data:`SCOPES`)."""
    seller: str
    """The seller it acts for, or ``*`` for every seller (3PL operator)."""
    created_at: datetime | None = None
    """When it was made (UTC)."""
    revoked_at: datetime | None = None
    """When it was revoked (UTC), None while valid."""

    @property
    def role(self) -> str:
        """The context role it grants: viewer, operator, owner, or hub (for ``*``)."""
        if self.seller == ALL_SELLERS and self.scope != "read":
            return "hub"
        return _ROLE_OF_SCOPE[self.scope]

    @property
    def all_sellers(self) -> bool:
        """True for a 3PL operator key (seller ``*``)."""
        return self.seller == ALL_SELLERS


def digest(key: str) -> str:
    """Return the SHA-256 hex digest stored for ``key``."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(
    engine: Engine, name: str, scope: str, seller: str = DEFAULT_SELLER
) -> str:
    """Create a key named ``name`` with ``scope`` for ``seller``; return it (once).

    Args:
        engine: The ledger database.
        name: A label for the key.
        scope: One of :data:`SCOPES`.
        seller: The seller it acts for, or ``*`` for every seller.

    Raises:
        InputError: when ``scope`` or ``seller`` is not valid.
    """
    if scope not in SCOPES:
        raise InputError(
            f"must be one of {', '.join(SCOPES)}",
            record="api key",
            field="scope",
            value=scope,
        )
    if not seller or len(seller) > 64:
        raise InputError(
            "must be 1-64 characters", record="api key", field="seller", value=seller
        )
    key = "wp_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            api_keys.insert().values(
                name=name,
                key_hash=digest(key),
                scope=scope,
                seller=seller,
                created_at=datetime.now(UTC),
            )
        )
    return key


def lookup_key(engine: Engine, key: str) -> KeyInfo | None:
    """Return what a valid, unrevoked ``key`` grants; None otherwise."""
    k = api_keys.c
    stmt = select(k.name, k.scope, k.seller, k.created_at).where(
        and_(k.key_hash == digest(key), k.revoked_at.is_(None))
    )
    with reader(engine).connect() as conn:
        row = conn.execute(stmt).one_or_none()
    return None if row is None else KeyInfo(row[0], row[1], row[2], row[3])


def scope_of(engine: Engine, key: str) -> str | None:
    """Return the scope of a valid, unrevoked ``key``; None otherwise."""
    info = lookup_key(engine, key)
    return None if info is None else info.scope


def list_api_keys(engine: Engine, seller: str | None = None) -> list[KeyInfo]:
    """Return every key (revoked ones too), oldest first; only ``seller``'s if given."""
    k = api_keys.c
    stmt = select(k.name, k.scope, k.seller, k.created_at, k.revoked_at).order_by(k.id)
    if seller is not None:
        stmt = stmt.where(k.seller == seller)
    with reader(engine).connect() as conn:
        return [KeyInfo(*r) for r in conn.execute(stmt)]


def revoke_api_key(engine: Engine, name: str, seller: str | None = None) -> int:
    """Revoke every key named ``name`` (of ``seller`` when given); return how many.

    The next request with a revoked key is refused: nothing caches keys.
    """
    k = api_keys.c
    cond = and_(k.name == name, k.revoked_at.is_(None))
    if seller is not None:
        cond = and_(cond, k.seller == seller)
    with engine.begin() as conn:
        done = conn.execute(
            update(api_keys).where(cond).values(revoked_at=datetime.now(UTC))
        )
    return int(done.rowcount)
