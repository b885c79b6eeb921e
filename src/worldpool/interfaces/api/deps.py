"""Shared API dependencies as ``Annotated`` aliases: the service and API keys."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from worldpool.ledger.api_keys import SCOPES, digest, scope_of
from worldpool.orders.service import OrderService

__all__ = ["AdminKey", "ReadKey", "ServiceDep", "WriteKey"]

_KEY_CACHE_S = 10.0
_header = APIKeyHeader(name="X-API-Key", auto_error=False)


async def _service(request: Request) -> OrderService:
    service: OrderService = request.app.state.service
    return service


ServiceDep = Annotated[OrderService, Depends(_service)]
"""The order service bound to the app's ledger."""


class _Scope:
    """Dependency: the request's key must exist and hold ``scope`` (or stronger)."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    async def __call__(
        self,
        request: Request,
        key: Annotated[str | None, Security(_header)] = None,
    ) -> str:
        if not key:
            raise HTTPException(
                401,
                "missing API key (X-API-Key header)",
                {"WWW-Authenticate": "ApiKey"},
            )
        granted = _lookup(request, key)
        if granted is None:
            raise HTTPException(401, "invalid API key", {"WWW-Authenticate": "ApiKey"})
        if SCOPES.index(granted) < SCOPES.index(self.scope):
            raise HTTPException(
                403, f"this key has scope {granted!r}; needs {self.scope!r}"
            )
        return granted


def _lookup(request: Request, key: str) -> str | None:
    # Keys are checked against the database at most every few seconds per key,
    # so a busy client does not cost one extra query per request. The
    # dependencies are async on purpose: a sync one costs a thread hop each.
    cache: dict[str, tuple[float, str | None]] = request.app.state.key_cache
    hashed = digest(key)
    now = time.monotonic()
    hit = cache.get(hashed)
    if hit is None or now - hit[0] > _KEY_CACHE_S:
        service: OrderService = request.app.state.service
        hit = (now, scope_of(service.ledger.engine, key))
        cache[hashed] = hit
    return hit[1]


ReadKey = Annotated[str, Depends(_Scope("read"))]
"""A key with scope read, write or admin."""
WriteKey = Annotated[str, Depends(_Scope("write"))]
"""A key with scope write or admin."""
AdminKey = Annotated[str, Depends(_Scope("admin"))]
"""A key with scope admin."""
