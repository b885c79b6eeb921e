"""``/lastmile``: plan a node's delivery routes, load plans and manifests.

The body carries the fleet, optional stops and postcode centroids as JSON
lists of objects with the columns of the CSV files (docs/how-to/last-mile.md).
``format`` picks the answer: ``json`` (default), ``manifest`` or ``labels``
(PDF) or ``map`` (HTML with an SVG drawing).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from worldpool.i18n import normalise_language
from worldpool.interfaces.api.deps import WriteCtx
from worldpool.interfaces.api.errors import AUTH
from worldpool.lastmile import LastMileParams, read_fleet, read_postcodes, read_rows
from worldpool.lastmile.service import (
    RouteRequest,
    labels_pdf,
    manifest_pdf,
    plan_routes,
    route_map,
)

__all__ = ["RoutesBody", "router"]

router = APIRouter(prefix="/lastmile", tags=["lastmile"], responses=AUTH)

Row = dict[str, str | int | float | None]


class RoutesBody(BaseModel):
    """A day to plan: node, date, fleet, and where stops come from."""

    node: str = Field(examples=["US-FC1"])
    date: dt.date
    fleet: list[Row] = Field(min_length=1)
    stops: list[Row] = Field(default_factory=list)
    postcodes: list[Row] = Field(default_factory=list)
    from_ledger: bool = True
    matrix_url: str | None = None
    matrix_engine: Literal["osrm", "valhalla"] = "osrm"
    seconds: float = Field(default=5.0, gt=0, le=300)
    seed: int = 1
    max_trips: int = Field(default=2, ge=1, le=10)
    circuity: float = Field(default=1.3, ge=1, le=3)
    speed_kmh: float = Field(default=30.0, gt=0, le=130)
    language: str | None = None


ContextDep = WriteCtx
"""The request's context (a write or admin key)."""


def _request(body: RoutesBody) -> RouteRequest:
    fleet = read_fleet(json.dumps(body.fleet), "fleet")
    stops = read_rows(json.dumps(body.stops), "stops") if body.stops else []
    cents = read_postcodes(json.dumps(body.postcodes)) if body.postcodes else {}
    params = LastMileParams(
        seconds=body.seconds,
        seed=body.seed,
        max_trips=body.max_trips,
        circuity=body.circuity,
        speed_kmh=body.speed_kmh,
    )
    return RouteRequest(
        node=body.node,
        date=body.date,
        fleet=fleet,
        stop_rows=tuple(stops),
        postcodes=cents,
        from_ledger=body.from_ledger,
        matrix_url=body.matrix_url,
        matrix_engine=body.matrix_engine,
        params=params,
    )


@router.post("/routes", response_model=None)
async def plan(
    body: RoutesBody,
    ctx: ContextDep,
    format: Annotated[Literal["json", "manifest", "labels", "map"], Query()] = "json",
) -> dict[str, Any] | Response:
    """Plan the day's routes (PyVRP, ``seconds`` per call) and answer in ``format``.

    Stops no van can serve are listed under ``unassigned`` with the reason.
    """
    if body.language:
        ctx = ctx.acting_as(language=normalise_language(body.language))
    result = await run_in_threadpool(plan_routes, ctx, _request(body))
    if format == "manifest":
        pdf = await run_in_threadpool(manifest_pdf, ctx, result)
        return Response(pdf, media_type="application/pdf")
    if format == "labels":
        pdf = await run_in_threadpool(labels_pdf, ctx, result)
        return Response(pdf, media_type="application/pdf")
    if format == "map":
        return Response(route_map(ctx, result), media_type="text/html")
    return result.to_dict()
