"""A connection's credentials and shared access token, sealed in its row.

The engine gives every connector a :class:`SealedCredentials` of its
connection: where a rotated refresh token is written back at once, and where
the workers of one connection share its access token.
"""

from __future__ import annotations

from typing import Any

from worldpool.connectors.secrets import seal, unseal
from worldpool.context import Context
from worldpool.ledger.connections import (
    access_token_on,
    secret_on,
    set_access_token_on,
    set_secret_on,
)

__all__ = ["SealedCredentials"]


class SealedCredentials:
    """A connection's credentials in its row, sealed (a :class:`CredentialStore`).

    Also its shared access token (a
    :class:`~worldpool.connectors.providers._common.SharedTokens`), sealed
    with the same key, in its own column: a token saved never overwrites a
    rotated refresh token saved meanwhile.
    """

    def __init__(self, ctx: Context, connection_id: int) -> None:
        self.ctx = ctx
        self.connection_id = connection_id

    def load(self) -> dict[str, Any]:
        """Return the credentials as stored now (decrypted)."""
        with self.ctx.engine.connect() as conn:
            sealed = secret_on(conn, self.ctx.seller, self.connection_id)
        return unseal(str(sealed), self.ctx.settings.secret_key) if sealed else {}

    def save(self, credentials: dict[str, Any]) -> None:
        """Seal ``credentials`` and store them as the connection's."""
        plain = {k: str(v) for k, v in credentials.items()}
        sealed = seal(plain, self.ctx.settings.secret_key)
        with self.ctx.engine.begin() as conn:
            set_secret_on(conn, self.ctx.seller, self.connection_id, sealed)

    def load_token(self) -> tuple[str, float] | None:
        """Return the shared (token, expires at in epoch seconds), or None."""
        with self.ctx.engine.connect() as conn:
            sealed = access_token_on(conn, self.ctx.seller, self.connection_id)
        if not sealed:
            return None
        stored = unseal(str(sealed), self.ctx.settings.secret_key)
        return str(stored.get("token", "")), float(stored.get("expires_at", 0))

    def save_token(self, token: str, expires_at: float) -> None:
        """Seal and store the access token, good until ``expires_at`` (epoch s)."""
        plain = {"token": token, "expires_at": repr(float(expires_at))}
        sealed = seal(plain, self.ctx.settings.secret_key)
        with self.ctx.engine.begin() as conn:
            set_access_token_on(conn, self.ctx.seller, self.connection_id, sealed)
