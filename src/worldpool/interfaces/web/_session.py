"""Signed session cookies, CSRF tokens and the login rate limiter.

The cookie holds ``{user, csrf, lang, iat}`` as base64 JSON plus an
HMAC-SHA256 signature with the server's secret key; it is HttpOnly,
SameSite=Lax and Secure on https. The role and seller are NOT trusted from the
cookie: every request re-reads the user (a disabled user or a changed role
takes effect at once). Every form and htmx write carries the session's CSRF
token, compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

__all__ = [
    "COOKIE",
    "SESSION_SECONDS",
    "LoginLimiter",
    "Session",
    "Signer",
    "new_session",
]

COOKIE = "wp_session"
"""Name of the session cookie."""

SESSION_SECONDS = 12 * 3600
"""A session lasts this many seconds after login."""


@dataclass(frozen=True, slots=True)
class Session:
    """What the cookie carries."""

    user: str | None
    """Logged-in user name (None before login)."""
    csrf: str
    """CSRF token every write must echo."""
    lang: str | None
    """Language chosen in this browser (None: the user's or Accept-Language)."""
    iat: float
    """Issued at, seconds since the epoch."""


def new_session(user: str | None = None, lang: str | None = None) -> Session:
    """Return a fresh session with a new random CSRF token."""
    return Session(user, secrets.token_urlsafe(24), lang, time.time())


class Signer:
    """Sign and verify session cookies with ``key`` (HMAC-SHA256).

    Args:
        key: Secret key (the settings' ``secret_key``; random per process if unset).
    """

    def __init__(self, key: str) -> None:
        self._key = hashlib.sha256(("wp-session:" + key).encode()).digest()

    def _mac(self, body: bytes) -> str:
        digest = hmac.new(self._key, body, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def dumps(self, session: Session) -> str:
        """Return the signed cookie value for ``session``."""
        data = {
            "u": session.user,
            "c": session.csrf,
            "l": session.lang,
            "i": session.iat,
        }
        body = base64.urlsafe_b64encode(json.dumps(data).encode())
        return body.decode().rstrip("=") + "." + self._mac(body.rstrip(b"="))

    def loads(self, value: str | None) -> Session | None:
        """Return the session in a cookie value, or None if forged or expired."""
        if not value or "." not in value:
            return None
        body, mac = value.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(body.encode())):
            return None
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            data = json.loads(raw)
            session = Session(data["u"], str(data["c"]), data["l"], float(data["i"]))
        except (ValueError, KeyError, TypeError):
            return None
        if time.time() - session.iat > SESSION_SECONDS:
            return None
        return session


class LoginLimiter:
    """Refuse logins after ``attempts`` failures in ``window_s`` per name and per IP.

    Kept in the server process's memory (one ``worldpool serve``); a failed
    attempt is remembered for ``window_s`` seconds.

    Args:
        attempts: Failures allowed per window.
        window_s: Window length, in seconds.
    """

    def __init__(self, attempts: int = 5, window_s: float = 300.0) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window_s:
            times.popleft()
        return times

    def blocked(self, *keys: str) -> bool:
        """Return True when any of ``keys`` (``user:x``, ``ip:y``) is over the limit."""
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(k, now)) >= self.attempts for k in keys)

    def failed(self, *keys: str) -> None:
        """Remember one failed attempt for each of ``keys``."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of ``keys`` after a good login."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
