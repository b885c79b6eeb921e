"""Last-mile service: a node's day of orders from the ledger -> routes, loads, PDFs.

Where stops come from (the seam): worldpool's orders keep a ship-to *address*
(``orders.payload``'s ``ship_to``: name, street, city, postcode, country)
but no coordinates, and geocoding is out of scope. So:

* **ledger orders** -- open orders whose routing decision sends lines from
  ``request.node``, stored up to the end of ``request.date``, become one
  parcel each (weight and volume from the SKU records x quantity); their
  coordinates come from the user's postcode-centroid table
  (``country, postal_code``). An order whose postcode is not in the table is
  reported unassigned with ``no_coordinates``.
* **a stops file** (CSV/JSON, one row per parcel) -- gives coordinates,
  windows and parcels directly; its rows replace the ledger's for the same
  order, and orders not in the ledger (another system's) are planned too.

Nothing is written: a plan is a value. Applying it (shipping the orders)
stays with the orders service.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from worldpool.context import Context, ledger_of
from worldpool.i18n import t
from worldpool.lastmile._model import layout
from worldpool.lastmile.files import Postcodes, StopDefaults, stops_from_rows
from worldpool.lastmile.loadplan import LoadPlan, plan_loads
from worldpool.lastmile.manifest import Manifest, build_manifests
from worldpool.lastmile.matrix import TravelMatrix
from worldpool.lastmile.osrm import fetch_matrix
from worldpool.lastmile.pdf import render_labels, render_manifests
from worldpool.lastmile.problem import LastMileParams, RoutingProblem, Van
from worldpool.lastmile.routemap import route_map_html
from worldpool.lastmile.routes import RoutePlan
from worldpool.lastmile.solve import solve
from worldpool.ledger.order_tables import orders

__all__ = [
    "RouteRequest",
    "RoutingResult",
    "labels_pdf",
    "manifest_pdf",
    "plan_routes",
    "route_map",
]


@dataclass(frozen=True, slots=True)
class RouteRequest:
    """What to plan: a node, a day, a fleet, and where the stops come from."""

    node: str
    """Depot node (``US-FC1``)."""
    date: dt.date
    """Delivery day."""
    fleet: tuple[Van, ...]
    """Vans available that day."""
    stop_rows: tuple[Mapping[str, str], ...] = ()
    """Rows of a stops file (see :mod:`worldpool.lastmile.files`)."""
    postcodes: Postcodes = field(default_factory=dict)
    """Postcode centroids for ledger orders (and rows without lat/lon)."""
    from_ledger: bool = True
    """Plan the node's open ledger orders too."""
    matrix_url: str | None = None
    """The user's OSRM/Valhalla server; None for haversine x circuity."""
    matrix_engine: str = "osrm"
    """``osrm`` or ``valhalla``."""
    params: LastMileParams = field(default_factory=LastMileParams)
    """Solver and estimate settings."""
    on_progress: Callable[[float], None] | None = None
    """Called with the share of the solver time used (for a progress bar)."""


@dataclass(frozen=True, slots=True)
class RoutingResult:
    """The plan, its load plans and manifests."""

    plan: RoutePlan
    """Routes and unassigned stops."""
    loads: dict[str, tuple[LoadPlan, ...]]
    """Load plans per van id, one per trip."""
    manifests: tuple[Manifest, ...]
    """One per route."""
    depots: tuple[tuple[float, float], ...]
    """Depot ``(lat, lon)`` per route (for the map)."""

    def summary(self, language: str = "en") -> str:
        """Return the plan's summary and any parcels left off the shelves."""
        lines = [self.plan.summary(language)]
        for lp in (lp for lps in self.loads.values() for lp in lps if lp.overflow):
            lines.append(
                t(
                    "  {van} trip {trip}: {n} parcels do not fit the shelves in stop "
                    "order; load them by hand: {parcels}",
                    language,
                    van=lp.van_id,
                    trip=lp.trip,
                    n=len(lp.overflow),
                    parcels=", ".join(p.parcel.id for p in lp.overflow),
                )
            )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return plain data: the plan, the load plans and the manifests."""
        out = self.plan.to_dict()
        out["load_plans"] = [lp.to_dict() for lps in self.loads.values() for lp in lps]
        out["manifests"] = [m.to_dict() for m in self.manifests]
        return out


def _ledger_rows(ctx: Context, node: str, day: dt.date) -> list[dict[str, str]]:
    """One parcel row per open order sending lines from ``node`` by ``day``."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    stmt = (
        select(
            orders.c.channel,
            orders.c.channel_order_id,
            orders.c.payload,
            orders.c.decision,
            orders.c.created_at,
        )
        .where(orders.c.status == "open")
        .order_by(orders.c.id)
    )
    if "seller" in orders.c:  # seller-scoped order tables (multi-seller hubs)
        stmt = stmt.where(orders.c.seller == ctx.seller)
    ledger = ledger_of(ctx)
    with ctx.engine.connect() as conn:
        found = [r for r in conn.execute(stmt) if _stored_by(r.created_at, end)]
    rows: list[dict[str, str]] = []
    for r in found:
        units = [
            (a["sku"], int(a["qty"]))
            for a in json.loads(r.decision)["assignments"]
            if a.get("node") == node
        ]
        if not units:
            continue
        skus = {s: ledger.sku(s) for s, _ in units}
        to = json.loads(r.payload)["ship_to"]
        rows.append(
            {
                "order": f"{r.channel}:{r.channel_order_id}",
                "weight_kg": str(sum(skus[s].unit_weight_kg * q for s, q in units)),
                "volume_l": str(
                    sum(skus[s].unit_volume_m3 * 1000 * q for s, q in units)
                ),
                "postal_code": to.get("postal_code", ""),
                "country": to.get("country", ""),
                "name": to.get("name", ""),
                "address": ", ".join(
                    x for x in (to.get("line1"), to.get("line2"), to.get("city")) if x
                ),
            }
        )
    return rows


def _stored_by(created: dt.datetime | None, end: dt.datetime) -> bool:
    if created is None:
        return True
    if created.tzinfo is None:  # SQLite returns naive UTC
        created = created.replace(tzinfo=dt.UTC)
    return created < end


def _problem(ctx: Context, req: RouteRequest) -> RoutingProblem:
    rows = [dict(r) for r in req.stop_rows]
    if req.from_ledger:
        given = {r.get("order") for r in rows}
        rows += [
            r for r in _ledger_rows(ctx, req.node, req.date) if r["order"] not in given
        ]
    defaults = StopDefaults(
        min(v.shift_start for v in req.fleet),
        max(v.shift_end for v in req.fleet),
        req.params.service_s,
    )
    stops, rejected = stops_from_rows(rows, "stops", req.postcodes, defaults)
    return RoutingProblem(req.node, req.date, stops, req.fleet, rejected)


def _matrix(req: RouteRequest, problem: RoutingProblem) -> TravelMatrix | None:
    if req.matrix_url is None:
        return None
    return fetch_matrix(
        req.matrix_url, layout(problem).points, engine=req.matrix_engine
    )


def plan_routes(ctx: Context, request: RouteRequest) -> RoutingResult:
    """Plan a node's deliveries for a day: routes, load plans and manifests.

    Args:
        ctx: Who asks (operator or stronger) and the database.
        request: Node, day, fleet, stops file rows, centroids, settings.

    Raises:
        Forbidden: the role is weaker than operator.
        UnknownReference: the node is not in the catalog.
        InputError: the fleet or the settings are malformed.
        TravelMatrixError: the named routing server failed.
    """
    ctx.require("operator")
    ctx.catalog.node(request.node)  # raises UnknownReference naming the node
    problem = _problem(ctx, request)
    plan = solve(
        problem,
        request.params,
        _matrix(request, problem),
        ctx.language,
        request.on_progress,
    )
    vans = {v.id: v for v in request.fleet}
    loads = {r.van_id: plan_loads(r, vans[r.van_id].shelf) for r in plan.routes}
    return RoutingResult(
        plan,
        loads,
        build_manifests(plan, loads),
        tuple(vans[r.van_id].depot for r in plan.routes),
    )


def manifest_pdf(ctx: Context, result: RoutingResult) -> bytes:
    """Return the drivers' manifests as one PDF, in ``ctx.language``."""
    return render_manifests(result.manifests, ctx.language)


def labels_pdf(ctx: Context, result: RoutingResult) -> bytes:
    """Return the parcel labels (slot code in large type) as one PDF."""
    return render_labels(
        [lb for m in result.manifests for lb in m.labels], ctx.language
    )


def route_map(ctx: Context, result: RoutingResult) -> str:
    """Return the route map as a self-contained HTML page (SVG, no tiles)."""
    return route_map_html(result.plan, list(result.depots), ctx.language)
