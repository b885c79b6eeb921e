"""Shared API dependencies as ``Annotated`` aliases: services, settings, API keys.

SELLER SCOPING (issue #11 item 7, seller helper; the lead folds this into the
per-request Context): the request's API key is looked up once per request (no
cache, so a revoked key fails at once) and names the seller; every service and
ledger a route gets is that seller's view. A 3PL operator key (seller ``*``)
names the seller per request in the ``X-Seller`` header.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader

from worldpool.ledger import Ledger
from worldpool.ledger.api_keys import SCOPES, KeyInfo, lookup_key
from worldpool.ledger.tables import DEFAULT_SELLER
from worldpool.orders.service import OrderService
from worldpool.plan import Plan

__all__ = [
    "AdminKey",
    "FxDep",
    "LedgerDep",
    "PlanCache",
    "PlansDep",
    "ReadKey",
    "ServiceDep",
    "WriteKey",
]

_header = APIKeyHeader(name="X-API-Key", auto_error=False)
_seller_header = APIKeyHeader(
    name="X-Seller",
    scheme_name="Seller",
    description="3PL operator keys (seller '*') only: the seller to act for.",
    auto_error=False,
)


def _grant(
    request: Request,
    key: Annotated[str | None, Security(_header)] = None,
) -> KeyInfo | None:
    # Sync on purpose: the lookup is a query, so it runs in the threadpool.
    # FastAPI caches it per request, so the scope check and the services share it.
    if not key:
        return None
    service: OrderService = request.app.state.service
    return lookup_key(service.ledger.engine, key)


async def _seller(
    grant: Annotated[KeyInfo | None, Depends(_grant)],
    asked: Annotated[str | None, Security(_seller_header)] = None,
) -> str:
    if grant is None:
        # Only routes without a key check get here (webhooks: the default seller).
        return DEFAULT_SELLER
    if grant.all_sellers:
        return asked or DEFAULT_SELLER
    if asked is not None and asked != grant.seller:
        raise HTTPException(403, "this key acts for another seller")
    return grant.seller


async def _service(
    request: Request, seller: Annotated[str, Depends(_seller)]
) -> OrderService:
    base: OrderService = request.app.state.service
    if seller == base.ledger.seller:
        return base
    # One service per seller, kept for its SKU cache; a race makes two, harmlessly.
    services: dict[str, OrderService] = request.app.state.seller_services
    service = services.get(seller)
    if service is None:
        ledger = base.ledger.for_seller(seller)
        service = services[seller] = OrderService(ledger, base.params)
    return service


ServiceDep = Annotated[OrderService, Depends(_service)]
"""The order service bound to the app's ledger."""


async def _ledger(service: Annotated[OrderService, Depends(_service)]) -> Ledger:
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
        grant: Annotated[KeyInfo | None, Depends(_grant)],
        key: Annotated[str | None, Security(_header)] = None,
        _seller: Annotated[str, Depends(_seller)] = DEFAULT_SELLER,
    ) -> str:
        if not key:
            raise HTTPException(
                401,
                "missing API key (X-API-Key header)",
                {"WWW-Authenticate": "ApiKey"},
            )
        if grant is None:
            raise HTTPException(401, "invalid API key", {"WWW-Authenticate": "ApiKey"})
        if SCOPES.index(grant.scope) < SCOPES.index(self.scope):
            raise HTTPException(
                403, f"this key has scope {grant.scope!r}; needs {self.scope!r}"
            )
        return grant.scope


ReadKey = Annotated[str, Depends(_Scope("read"))]
"""A key with scope read, write or admin."""
WriteKey = Annotated[str, Depends(_Scope("write"))]
"""A key with scope write or admin."""
AdminKey = Annotated[str, Depends(_Scope("admin"))]
"""A key with scope admin."""
