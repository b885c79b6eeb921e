"""Driver manifests and parcel labels as plain records (rendered by ``pdf.py``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from worldpool.lastmile.loadplan import LoadPlan
from worldpool.lastmile.problem import clock
from worldpool.lastmile.routes import Route, RoutePlan

__all__ = ["Label", "Manifest", "ManifestStop", "build_manifests"]


@dataclass(frozen=True, slots=True)
class Label:
    """What one parcel label says."""

    parcel: str
    """Parcel id."""
    order: str
    """Order it belongs to."""
    slot: str
    """Shelf slot code (``B2``); empty when it overflowed the shelves."""
    seq: int
    """Delivery position of its stop."""
    trip: int
    """Trip number."""
    van: str
    """Van id."""
    name: str
    """Recipient."""
    address: str
    """Delivery address."""


@dataclass(frozen=True, slots=True)
class ManifestStop:
    """One line of the driver's stop list."""

    seq: int
    """Delivery position, from 1."""
    trip: int
    """Trip number, from 1."""
    stop: str
    """Stop id."""
    arrival: str
    """Planned arrival, ``HH:MM``."""
    window: str
    """Time window, ``HH:MM-HH:MM``."""
    slack_min: int
    """Forward slack, in whole minutes."""
    name: str
    """Recipient."""
    address: str
    """Delivery address."""
    parcels: tuple[tuple[str, str], ...]
    """``(parcel id, slot code)`` pairs."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """One van's manifest for the day."""

    van: str
    """Van id."""
    node: str
    """Depot node."""
    date: dt.date
    """Delivery day."""
    start: str
    """Departure, ``HH:MM``."""
    end: str
    """Return, ``HH:MM``."""
    distance_km: float
    """Distance, in kilometres."""
    stops: tuple[ManifestStop, ...]
    """Stops in delivery order."""
    labels: tuple[Label, ...]
    """Parcel labels in loading order (last stop first), trip by trip."""

    def texts(self) -> list[str]:
        """Every free text printed (to choose a font that has the glyphs)."""
        return (
            [s.name for s in self.stops]
            + [s.address for s in self.stops]
            + [self.van, self.node]
        )

    def to_dict(self) -> dict[str, Any]:
        """Return plain data (JSON-ready)."""
        return {
            "van": self.van,
            "node": self.node,
            "date": self.date.isoformat(),
            "start": self.start,
            "end": self.end,
            "distance_km": self.distance_km,
            "stops": [
                {
                    "seq": s.seq,
                    "trip": s.trip,
                    "stop": s.stop,
                    "arrival": s.arrival,
                    "window": s.window,
                    "slack_min": s.slack_min,
                    "name": s.name,
                    "address": s.address,
                    "parcels": [{"parcel": p, "slot": c} for p, c in s.parcels],
                }
                for s in self.stops
            ],
        }


def _manifest(plan: RoutePlan, route: Route, loads: tuple[LoadPlan, ...]) -> Manifest:
    slot_of = {
        p.parcel.id: p.slot for lp in loads for p in (*lp.placements, *lp.overflow)
    }
    stops = tuple(
        ManifestStop(
            v.seq,
            v.trip,
            v.stop.id,
            clock(v.arrival),
            f"{clock(v.stop.window_start)}-{clock(v.stop.window_end)}",
            v.slack_s // 60,
            v.stop.name,
            v.stop.address,
            tuple((p.id, slot_of.get(p.id, "")) for p in v.stop.parcels),
        )
        for v in route.visits
    )
    by_stop = {v.stop.id: v.stop for v in route.visits}
    labels = tuple(
        Label(
            p.parcel.id,
            p.parcel.order,
            p.slot,
            p.seq,
            lp.trip,
            route.van_id,
            by_stop[p.stop_id].name,
            by_stop[p.stop_id].address,
        )
        for lp in loads
        for p in (*lp.loading_order, *lp.overflow)
    )
    return Manifest(
        route.van_id,
        plan.node,
        plan.date,
        clock(route.start),
        clock(route.end),
        round(route.distance_m / 1000, 1),
        stops,
        labels,
    )


def build_manifests(
    plan: RoutePlan, loads: dict[str, tuple[LoadPlan, ...]]
) -> tuple[Manifest, ...]:
    """Return one manifest per route of ``plan``.

    Args:
        plan: The day's routes.
        loads: Load plans per van id (from :func:`~worldpool.lastmile.plan_loads`).
    """
    return tuple(_manifest(plan, r, loads.get(r.van_id, ())) for r in plan.routes)
