"""Shared API dependencies as ``Annotated`` aliases: services, settings, API keys."""

from __future__ import annotations

import time
from collections import OrderedDict
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from worldpool.context import Context, Role
from worldpool.ledger import Ledger
from worldpool.ledger.api_keys import SCOPES, digest, scope_of
from worldpool.orders.service import OrderService
from worldpool.plan import Plan

__all__ = [
    "AdminKey",
    "CtxDep",
    "FxDep",
    "LedgerDep",
    "PlanCache",
    "PlansDep",
    "ReadKey",
    "ServiceDep",
    "WriteKey",
]

_KEY_CACHE_S = 10.0
_header = APIKeyHeader(name="X-API-Key", auto_error=False)


async def _service(request: Request) -> OrderService:
    service: OrderService = request.app.state.service
    return service


ServiceDep = Annotated[OrderService, Depends(_service)]
"""The order service bound to the app's ledger."""


async def _ledger(request: Request) -> Ledger:
    service: OrderService = request.app.state.service
    return service.ledger


LedgerDep = Annotated[Ledger, Depends(_ledger)]
"""The app's ledger (the pool), for the capability services."""


async def _fx(request: Request) -> Path | None:
    path: Path | None = request.app.state.fx_path
    return path


FxDep = Annotated[Path | None, Depends(_fx)]
"""FX table CSV the customs endpoints convert with (None: no rates)."""


class PlanCache:
    """The last ``size`` plans this server made, whole, for their HTML reports.

    A stored plan keeps only its plain-data form; the report needs the plan
    value itself, so the server keeps the recent ones in memory.

    Args:
        size: Plans kept at most (oldest dropped first).
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._plans: OrderedDict[str, Plan] = OrderedDict()

    def put(self, plan: Plan) -> None:
        """Keep ``plan``, dropping the oldest one when full."""
        self._plans[plan.id] = plan
        self._plans.move_to_end(plan.id)
        while len(self._plans) > self.size:
            self._plans.popitem(last=False)

    def get(self, plan_id: str) -> Plan | None:
        """Return the plan made here with this id, or None."""
        return self._plans.get(plan_id)


async def _plans(request: Request) -> PlanCache:
    cache: PlanCache = request.app.state.plans
    return cache


PlansDep = Annotated[PlanCache, Depends(_plans)]
"""Recent plans made by this server (for reports)."""


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


_ROLE_OF_SCOPE: dict[str | None, Role] = {
    "read": "viewer",
    "write": "operator",
    "admin": "owner",
}


async def _ctx(
    request: Request, key: Annotated[str | None, Security(_header)] = None
) -> Context:
    # Authentication itself is the ReadKey/WriteKey dependency's job; the
    # context only carries who asks and what their key's scope lets them do.
    base: Context = request.app.state.ctx
    scope = _lookup(request, key) if key else None
    return base.acting_as(
        user=f"key:{key[:8]}" if key else None,
        role=_ROLE_OF_SCOPE.get(scope, "viewer"),
    )


CtxDep = Annotated[Context, Depends(_ctx)]
"""The request's context: the app's base context acting for the request's key."""
