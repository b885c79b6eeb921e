"""Helpers shared by the connectors: cached access tokens, cursors, Basic auth."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from worldpool.connectors.errors import ProviderRejected

__all__ = ["SharedTokens", "TokenCache", "basic_auth", "load_cursor"]

T = TypeVar("T")


def basic_auth(user: str, password: str) -> str:
    """Return the ``Authorization: Basic`` value of ``user:password``."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def load_cursor(cursor: str | None) -> dict[str, Any]:
    """Return a stored JSON cursor as a dict (``{}`` when none yet)."""
    state = json.loads(cursor) if cursor else {}
    return state if isinstance(state, dict) else {}


class SharedTokens(Protocol):
    """Where the workers of one connection share its access token (sealed)."""

    def load_token(self) -> tuple[str, float] | None:
        """Return (token, expires at in epoch seconds) as stored, or None."""
        ...

    def save_token(self, token: str, expires_at: float) -> None:
        """Store ``token``, good until ``expires_at`` (epoch seconds)."""
        ...


class TokenCache:
    """One access token, fetched again a minute before it expires.

    ``fetch()`` returns ``(token, lifetime in seconds)``; calls from several
    threads share one fetch. With ``shared`` set (the engine sets it, see
    :class:`~worldpool.connectors.sealed.SealedCredentials`), a token another
    worker fetched is used while it lives, and a fetched one is stored for
    the others: a worker that takes a connection over (or gets it handed on)
    calls nothing before its first request, and the token endpoint (rate
    limited like every other, refresh-token rotating at TikTok Shop) sees
    one fetch per token life instead of one per worker and turn.
    """

    def __init__(self, fetch: Callable[[], tuple[str, float]], margin_s: float = 60.0):
        self._fetch = fetch
        self._margin = margin_s
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()
        self._fresh = False
        self.shared: SharedTokens | None = None

    def get(self) -> str:
        """Return a live token: this worker's, the shared one, or a new one."""
        with self._lock:
            if self._token is not None and self._token[1] > time.monotonic():
                return self._token[0]
            if self.shared is not None and not self._fresh:
                stored = self._load_shared(self.shared)
                if stored is not None:
                    return stored
            token, life = self._fetch()
            self._fresh = False
            self._token = (token, time.monotonic() + max(0.0, life - self._margin))
            if self.shared is not None:
                self._save_shared(self.shared, token, time.time() + life)
            return token

    def _load_shared(self, shared: SharedTokens) -> str | None:
        """Adopt the stored token if it lives past the margin (None: it does not)."""
        try:
            stored = shared.load_token()
        except Exception:  # a cache: a database hiccup means fetch one
            return None
        if stored is None:
            return None
        token, expires_at = stored
        left = expires_at - self._margin - time.time()
        if not token or left <= 0:
            return None
        self._token = (token, time.monotonic() + left)
        return token

    @staticmethod
    def _save_shared(shared: SharedTokens, token: str, expires_at: float) -> None:
        try:
            shared.save_token(token, expires_at)
        except Exception:  # a cache: the next worker fetches its own
            return

    def drop(self) -> None:
        """Forget the token (the provider said it is no longer valid).

        The next :meth:`get` fetches a new one, never the shared one (it may
        be the very token that was refused).
        """
        with self._lock:
            self._token = None
            self._fresh = True

    def send(self, call: Callable[[str], T]) -> T:
        """Run ``call(token)``; on a 401 fetch a new token and run it once more.

        A token can die before its stated lifetime (revoked, rotated): the
        provider answers 401 and one fresh token is worth a try.
        """
        try:
            return call(self.get())
        except ProviderRejected as exc:
            if exc.status != 401:
                raise
            self.drop()
            return call(self.get())
