"""Per-app state of the cockpit: the base context, cookie signer, limiter, jobs."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from worldpool.context import Context
from worldpool.interfaces.web._session import LoginLimiter, Signer

__all__ = ["MAX_UPLOAD_BYTES", "WebState"]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""Largest uploaded file, in bytes."""


@dataclass
class WebState:
    """What every cockpit request shares (one per app).

    Args:
        base: Context of the app (engine, catalog, FX); each request narrows it
            to the logged-in user with ``acting_as``.
        secret: Cookie signing key; a random one per process when None (every
            session then ends when the server restarts).
    """

    base: Context
    secret: str | None = None
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    signer: Signer = field(init=False)

    def __post_init__(self) -> None:
        self.signer = Signer(self.secret or secrets.token_hex(32))
