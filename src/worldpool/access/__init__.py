"""Access capability: API keys for machines (users and sessions: the cockpit)."""

from worldpool.access.service import (
    SCOPE_ROLES,
    authenticate_cached,
    authenticate_key,
    create_key,
    list_keys,
    revoke_key,
)

__all__ = [
    "SCOPE_ROLES",
    "authenticate_cached",
    "authenticate_key",
    "create_key",
    "list_keys",
    "revoke_key",
]
