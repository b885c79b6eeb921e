"""API keys: create, revoke and authenticate, each a function of the context.

A key has a scope (``read`` < ``write`` < ``admin``) that maps to a role
(viewer, operator, owner) and belongs to one seller, or to every seller for
the 3PL operator (``*``, role ``hub``). Authentication looks the key up at
most once a second per process (see :data:`GRANT_TTL_S`).
"""

from __future__ import annotations

import threading
import time
from types import MappingProxyType

from worldpool.audit import record
from worldpool.context import Context, Role
from worldpool.errors import Forbidden
from worldpool.ledger.api_keys import (
    KeyInfo,
    create_api_key,
    digest,
    list_api_keys,
    lookup_key,
    revoke_api_key,
)

__all__ = [
    "GRANT_TTL_S",
    "SCOPE_ROLES",
    "authenticate_key",
    "create_key",
    "list_keys",
    "revoke_key",
]

SCOPE_ROLES: MappingProxyType[str, Role] = MappingProxyType(
    {"read": "viewer", "write": "operator", "admin": "owner"}
)
"""The role a key of each scope acts with."""


def create_key(ctx: Context, name: str, scope: str, seller: str | None = None) -> str:
    """Create a key named ``name`` with ``scope``; return the plain key (shown once).

    Args:
        ctx: The context (an owner; the hub role for another seller or ``*``).
        name: A label for the key.
        scope: ``read``, ``write`` or ``admin``.
        seller: The seller it acts for (default: the context's), ``*`` for all.

    Raises:
        InputError: when ``scope`` is not read, write or admin.
        Forbidden: when the actor may not create it.
    """
    ctx.require("owner")
    seller = seller or ctx.seller
    if seller != ctx.seller:
        ctx.require("hub")
    key = create_api_key(ctx.engine, name, scope, seller)
    record(
        ctx, "api_key.create", target=name, inputs={"scope": scope, "seller": seller}
    )
    return key


def revoke_key(ctx: Context, name: str) -> int:
    """Revoke the keys named ``name`` (the seller's; any for the hub role).

    Returns how many; effective at once (keys are never cached).
    """
    ctx.require("owner")
    every = ctx.role in ("hub", "system")
    count = revoke_api_key(ctx.engine, name, None if every else ctx.seller)
    with _GRANTS_LOCK:
        _GRANTS.clear()  # this process refuses the revoked key on its next request
    record(ctx, "api_key.revoke", target=name, result={"revoked": count})
    return count


def list_keys(ctx: Context) -> list[KeyInfo]:
    """Return the keys of the context's seller (every seller's for the hub role)."""
    ctx.require("owner")
    every = ctx.role in ("hub", "system")
    return list_api_keys(ctx.engine, None if every else ctx.seller)


GRANT_TTL_S = 1.0
"""How long a server process trusts a key lookup, in seconds.

A revocation made through this process takes effect on the next request; one
made elsewhere (another server, the CLI) within this many seconds. Looking the
key up on every request cost 30-40 % of the order API's throughput (measured,
BENCHMARKS.md); one second of trust costs nothing measurable.
"""

_GRANTS: dict[str, tuple[float, KeyInfo]] = {}
_GRANTS_LOCK = threading.Lock()


def _grant(base: Context, raw_key: str) -> KeyInfo | None:
    """Return the key's grant, from this process's one-second cache or the database."""
    hashed = digest(raw_key)
    now = time.monotonic()
    with _GRANTS_LOCK:
        hit = _GRANTS.get(hashed)
    if hit is not None and now - hit[0] < GRANT_TTL_S:
        return hit[1]
    grant = lookup_key(base.engine, raw_key)
    with _GRANTS_LOCK:
        if grant is None:
            _GRANTS.pop(hashed, None)
        else:
            if len(_GRANTS) > 10_000:
                _GRANTS.clear()
            _GRANTS[hashed] = (now, grant)
    return grant


def authenticate_key(
    base: Context, raw_key: str, asked_seller: str | None = None
) -> Context | None:
    """Return ``base`` acting as the key's seller and role, or None for a bad key.

    Args:
        base: The server's context (engine, catalog, settings).
        raw_key: The key as sent in ``X-API-Key``.
        asked_seller: The seller the request names (``X-Seller``); only a 3PL
            operator key (seller ``*``) may name another seller than its own.

    Raises:
        Forbidden: the key names a seller it does not act for.
    """
    return _acting(base, _grant(base, raw_key), asked_seller)


def authenticate_cached(
    base: Context, raw_key: str, asked_seller: str | None = None
) -> Context | None:
    """Like :func:`authenticate_key`, from this process's key cache only.

    Returns None when the key is not trusted from the cache (unknown, expired
    or bad): the caller then calls :func:`authenticate_key`, which reads the
    database. Never blocks on I/O, so an async server can call it inline and
    spare a thread-pool hop on every request.

    Raises:
        Forbidden: the key names a seller it does not act for.
    """
    hashed = digest(raw_key)
    with _GRANTS_LOCK:
        hit = _GRANTS.get(hashed)
    if hit is None or time.monotonic() - hit[0] >= GRANT_TTL_S:
        return None
    return _acting(base, hit[1], asked_seller)


def _acting(
    base: Context, grant: KeyInfo | None, asked_seller: str | None
) -> Context | None:
    if grant is None:
        return None
    if grant.all_sellers:
        seller = asked_seller or base.settings.default_seller
    elif asked_seller is not None and asked_seller != grant.seller:
        raise Forbidden(f"key {grant.name!r} acts for another seller")
    else:
        seller = grant.seller
    role = "hub" if grant.role == "hub" else SCOPE_ROLES[grant.scope]
    return base.acting_as(user=f"key:{grant.name}", role=role, seller=seller)
