"""Helpers shared by the connectors: cached access tokens, cursors, Basic auth."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from worldpool.connectors.errors import ProviderRejected

__all__ = ["TokenCache", "basic_auth", "load_cursor"]

T = TypeVar("T")


def basic_auth(user: str, password: str) -> str:
    """Return the ``Authorization: Basic`` value of ``user:password``."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def load_cursor(cursor: str | None) -> dict[str, Any]:
    """Return a stored JSON cursor as a dict (``{}`` when none yet)."""
    state = json.loads(cursor) if cursor else {}
    return state if isinstance(state, dict) else {}


class TokenCache:
    """One access token, fetched again a minute before it expires.

    ``fetch()`` returns ``(token, lifetime in seconds)``; calls from several
    threads share one fetch.
    """

    def __init__(self, fetch: Callable[[], tuple[str, float]], margin_s: float = 60.0):
        self._fetch = fetch
        self._margin = margin_s
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def get(self) -> str:
        """Return a live token, fetching a new one when needed."""
        with self._lock:
            if self._token is not None and self._token[1] > time.monotonic():
                return self._token[0]
            token, life = self._fetch()
            self._token = (token, time.monotonic() + max(0.0, life - self._margin))
            return token

    def drop(self) -> None:
        """Forget the token (the provider said it is no longer valid)."""
        with self._lock:
            self._token = None

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
