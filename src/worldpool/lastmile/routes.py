"""Route plan records: what each van does, when, and what it costs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from worldpool.i18n import t
from worldpool.lastmile.problem import Stop, Unassigned, clock

__all__ = ["Route", "RoutePlan", "Visit"]


@dataclass(frozen=True, slots=True)
class Visit:
    """One stop on a route, with its schedule."""

    seq: int
    """Position on the route, from 1 (across trips)."""
    trip: int
    """Trip number, from 1 (a van reloads at the depot between trips)."""
    stop: Stop
    """The stop served."""
    arrival: int
    """Arrival, seconds after midnight."""
    start: int
    """Start of service (after any wait for the window), seconds after midnight."""
    departure: int
    """End of service, seconds after midnight."""
    slack_s: int
    """How much later service could start here without breaking this or any
    later window or the shift end, in seconds (forward time slack)."""
    leg_m: int
    """Distance driven from the previous stop or the depot, in metres."""


@dataclass(frozen=True, slots=True)
class Route:
    """One van's day: its visits, distance, time and cost."""

    van_id: str
    """The van."""
    visits: tuple[Visit, ...]
    """Stops in delivery order."""
    trips: int
    """Number of depot departures."""
    start: int
    """Departure from the depot, seconds after midnight."""
    end: int
    """Return to the depot, seconds after midnight."""
    distance_m: int
    """Distance driven, in metres."""
    cost: Decimal
    """Distance cost + hourly cost + fixed cost, in ``currency``."""
    currency: str
    """ISO 4217 code of ``cost``."""
    weight_kg: float
    """Total parcel weight over all trips, in kilograms."""
    volume_l: float
    """Total parcel volume over all trips, in litres."""

    @property
    def duration_s(self) -> int:
        """Time out of the depot, in seconds."""
        return self.end - self.start

    def trip_visits(self, trip: int) -> tuple[Visit, ...]:
        """Return the visits of one trip, in order."""
        return tuple(v for v in self.visits if v.trip == trip)


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """The day's routes for one node and the stops left out."""

    node: str
    """Depot node."""
    date: dt.date
    """Delivery day."""
    routes: tuple[Route, ...]
    """One per van used."""
    unassigned: tuple[Unassigned, ...]
    """Stops no route serves, with the reason."""
    matrix_source: str
    """Where travel distances and times came from."""
    seconds: float
    """Solver time limit used, in seconds."""
    seed: int
    """Solver seed used."""

    @property
    def distance_m(self) -> int:
        """Total distance, in metres."""
        return sum(r.distance_m for r in self.routes)

    @property
    def cost(self) -> Decimal:
        """Total cost, in the fleet's currency."""
        return sum((r.cost for r in self.routes), Decimal(0))

    @property
    def currency(self) -> str:
        """The fleet's currency (empty when no route)."""
        return self.routes[0].currency if self.routes else ""

    def summary(self, language: str = "en") -> str:
        """Return a few lines a dispatcher reads (in ``language``)."""
        served = sum(len(r.visits) for r in self.routes)
        lines = [
            t(
                "{node} {date}: {served} stops on {vans} vans, {km} km, cost {cost} "
                "{currency}; {left} stops unassigned",
                language,
                node=self.node,
                date=self.date.isoformat(),
                served=served,
                vans=len(self.routes),
                km=f"{self.distance_m / 1000:.1f}",
                cost=f"{self.cost:.2f}",
                currency=self.currency,
                left=len(self.unassigned),
            )
        ]
        for r in self.routes:
            lines.append(
                t(
                    "  {van}: {stops} stops, {trips} trips, {start}-{end}, {km} km, "
                    "{cost} {currency}",
                    language,
                    van=r.van_id,
                    stops=len(r.visits),
                    trips=r.trips,
                    start=clock(r.start),
                    end=clock(r.end),
                    km=f"{r.distance_m / 1000:.1f}",
                    cost=f"{r.cost:.2f}",
                    currency=r.currency,
                )
            )
        lines += [f"  - {u.stop_id}: {u.reason}" for u in self.unassigned]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return plain data (JSON-ready) for the API and files."""
        return {
            "node": self.node,
            "date": self.date.isoformat(),
            "distance_km": round(self.distance_m / 1000, 3),
            "cost": str(self.cost),
            "currency": self.currency,
            "matrix_source": self.matrix_source,
            "seconds": self.seconds,
            "seed": self.seed,
            "routes": [_route_dict(r) for r in self.routes],
            "unassigned": [
                {"stop": u.stop_id, "code": u.code, "reason": u.reason}
                for u in self.unassigned
            ],
        }


def _route_dict(r: Route) -> dict[str, Any]:
    return {
        "van": r.van_id,
        "trips": r.trips,
        "start": clock(r.start),
        "end": clock(r.end),
        "distance_km": round(r.distance_m / 1000, 3),
        "duration_min": round(r.duration_s / 60, 1),
        "cost": str(r.cost),
        "currency": r.currency,
        "weight_kg": round(r.weight_kg, 3),
        "volume_l": round(r.volume_l, 3),
        "stops": [
            {
                "seq": v.seq,
                "trip": v.trip,
                "stop": v.stop.id,
                "lat": v.stop.lat,
                "lon": v.stop.lon,
                "arrival": clock(v.arrival),
                "start": clock(v.start),
                "departure": clock(v.departure),
                "window": [clock(v.stop.window_start), clock(v.stop.window_end)],
                "slack_min": round(v.slack_s / 60, 1),
                "leg_km": round(v.leg_m / 1000, 3),
                "parcels": [p.id for p in v.stop.parcels],
            }
            for v in r.visits
        ],
    }
