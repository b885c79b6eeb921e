"""Shared API dependencies as ``Annotated`` aliases: the request's context, plans.

Every route gets a :class:`~worldpool.context.Context` for the request: the
server's base context acting as the API key's seller and role. The key is
looked up on every request (one indexed query), so a revoked key stops working
at once. A 3PL operator key (seller ``*``) names the seller it acts for in the
``X-Seller`` header; any other key may only name its own seller there.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from worldpool.access import authenticate_cached, authenticate_key
from worldpool.context import ROLES, Context, Role
from worldpool.errors import Forbidden
from worldpool.i18n import normalise_language
from worldpool.orders.rules import RoutingParams
from worldpool.plan import Plan

__all__ = [
    "AdminCtx",
    "HubCtx",
    "PlanCache",
    "PlansDep",
    "ReadCtx",
    "RoutingDep",
    "WriteCtx",
]

_header = APIKeyHeader(name="X-API-Key", auto_error=False)


async def _routing(request: Request) -> RoutingParams | None:
    params: RoutingParams | None = request.app.state.routing
    return params


RoutingDep = Annotated[RoutingParams | None, Depends(_routing)]
"""The server's routing parameters (None: the defaults)."""


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


class _Actor:
    """Dependency: the request's context; its key must exist and act as ``role``+."""

    def __init__(self, role: Role) -> None:
        self.role = role

    async def __call__(
        self,
        request: Request,
        key: Annotated[str | None, Security(_header)] = None,
    ) -> Context:
        if not key:
            raise HTTPException(
                401,
                "missing API key (X-API-Key header)",
                {"WWW-Authenticate": "ApiKey"},
            )
        base: Context = request.app.state.ctx
        asked = request.headers.get("x-seller")
        try:
            ctx = authenticate_cached(base, key, asked)
            if ctx is None:
                ctx = await run_in_threadpool(authenticate_key, base, key, asked)
        except Forbidden as exc:
            raise HTTPException(403, str(exc)) from None
        if ctx is None:
            raise HTTPException(401, "invalid API key", {"WWW-Authenticate": "ApiKey"})
        if ROLES.index(ctx.role) < ROLES.index(self.role):
            raise HTTPException(
                403, f"this key acts as {ctx.role!r}; needs {self.role!r}"
            )
        language = request.headers.get("accept-language")
        return ctx.acting_as(language=normalise_language(language)) if language else ctx


ReadCtx = Annotated[Context, Depends(_Actor("viewer"))]
"""The request's context; any valid key (read, write or admin)."""
WriteCtx = Annotated[Context, Depends(_Actor("operator"))]
"""The request's context; a key with scope write or admin."""
AdminCtx = Annotated[Context, Depends(_Actor("owner"))]
"""The request's context; a key with scope admin."""
HubCtx = Annotated[Context, Depends(_Actor("hub"))]
"""The request's context; a 3PL operator key (seller ``*``)."""
