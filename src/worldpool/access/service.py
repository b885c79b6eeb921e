"""API keys: create, revoke and authenticate, each a function of the context.

A key has a scope (``read`` < ``write`` < ``admin``) that maps to a role
(viewer, operator, owner) and belongs to one seller, or to every seller for
the 3PL operator (``*``, role ``hub``). Authentication looks the key up on
every request, so a revoked key stops working at once.
"""

from __future__ import annotations

from types import MappingProxyType

from worldpool.audit import record
from worldpool.context import Context, Role
from worldpool.ledger.api_keys import create_api_key, revoke_api_key, scope_of

__all__ = ["SCOPE_ROLES", "authenticate_key", "create_key", "revoke_key"]

SCOPE_ROLES: MappingProxyType[str, Role] = MappingProxyType(
    {"read": "viewer", "write": "operator", "admin": "owner"}
)
"""The role a key of each scope acts with."""


def create_key(ctx: Context, name: str, scope: str) -> str:
    """Create a key named ``name`` with ``scope``; return the plain key (shown once).

    Raises:
        InputError: when ``scope`` is not read, write or admin.
        Forbidden: when the actor is not an owner.
    """
    ctx.require("owner")
    key = create_api_key(ctx.engine, name, scope)
    record(ctx, "api_key.create", target=name, inputs={"scope": scope})
    return key


def revoke_key(ctx: Context, name: str) -> int:
    """Revoke every key named ``name``; return how many (effective immediately)."""
    ctx.require("owner")
    count = revoke_api_key(ctx.engine, name)
    record(ctx, "api_key.revoke", target=name, result={"revoked": count})
    return count


def authenticate_key(base: Context, raw_key: str) -> Context | None:
    """Return ``base`` acting as the key's seller and role, or None for a bad key.

    Args:
        base: The server's context (engine, catalog, settings).
        raw_key: The key as sent in ``X-API-Key``.
    """
    scope = scope_of(base.engine, raw_key)
    if scope is None:
        return None
    return base.acting_as(
        user=f"key:{raw_key[:8]}", role=SCOPE_ROLES[scope], seller=base.seller
    )
