"""Van load plans: which shelf slot each parcel goes in, and the loading order.

At each stop the driver should find that stop's parcels together, nearest the
door. So stops take slots in delivery order starting at the door (bay A): the
first stop's parcels fill the slots nearest the door, the next stop's the
slots just behind, and so on; a stop's parcels occupy consecutive slots (a
slot may hold the tail of one stop and the head of the next). The van is
loaded in the reverse order: the last stop's parcels go in first, deepest.
Each trip of a multi-trip route has its own plan (the van is reloaded).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from worldpool.lastmile.problem import Parcel, Slot
from worldpool.lastmile.routes import Route, Visit

__all__ = ["LoadPlan", "Placement", "plan_load", "plan_loads"]


@dataclass(frozen=True, slots=True)
class Placement:
    """One parcel in one slot."""

    parcel: Parcel
    """The parcel."""
    stop_id: str
    """Where it is delivered."""
    seq: int
    """Delivery position of its stop on the route."""
    slot: str
    """Slot code, printed on the parcel's label."""


@dataclass(frozen=True, slots=True)
class LoadPlan:
    """Slot assignment for one trip of one van."""

    van_id: str
    """The van."""
    trip: int
    """Trip number, from 1."""
    slots: tuple[Slot, ...]
    """The van's slots, door side first."""
    placements: tuple[Placement, ...]
    """Parcels in delivery order (first stop first)."""
    overflow: tuple[Placement, ...]
    """Parcels that did not fit a slot in stop order (slot ``""``): load by hand."""

    @property
    def loading_order(self) -> tuple[Placement, ...]:
        """Parcels in the order to put them in the van (last stop first)."""
        return tuple(reversed(self.placements))

    def used_l(self, code: str) -> float:
        """Volume placed in slot ``code``, in litres."""
        return sum(p.parcel.volume_l for p in self.placements if p.slot == code)

    def to_dict(self) -> dict[str, Any]:
        """Return plain data (JSON-ready)."""
        return {
            "van": self.van_id,
            "trip": self.trip,
            "slots": [
                {
                    "code": s.code,
                    "volume_l": round(s.volume_l, 3),
                    "used_l": round(self.used_l(s.code), 3),
                }
                for s in self.slots
            ],
            "loading_order": [
                {"parcel": p.parcel.id, "stop": p.stop_id, "seq": p.seq, "slot": p.slot}
                for p in self.loading_order
            ],
            "overflow": [p.parcel.id for p in self.overflow],
        }


def plan_load(
    van_id: str, trip: int, visits: tuple[Visit, ...], slots: tuple[Slot, ...]
) -> LoadPlan:
    """Assign the parcels of one trip to slots, stop by stop from the door.

    Args:
        van_id: The van.
        trip: Trip number.
        visits: The trip's visits in delivery order.
        slots: The van's slots (any order; sorted door side first here).
    """
    ordered = tuple(sorted(slots, key=lambda s: (s.door_rank, s.code)))
    room = [s.volume_l for s in ordered]
    placed: list[Placement] = []
    overflow: list[Placement] = []
    k = 0
    for v in visits:
        # Largest first, so small parcels fill the gaps the big ones leave.
        for p in sorted(v.stop.parcels, key=lambda p: (-p.volume_l, p.id)):
            while k < len(ordered) and room[k] + 1e-9 < p.volume_l:
                k += 1
            if k == len(ordered):
                overflow.append(Placement(p, v.stop.id, v.seq, ""))
                continue
            room[k] -= p.volume_l
            placed.append(Placement(p, v.stop.id, v.seq, ordered[k].code))
    return LoadPlan(van_id, trip, ordered, tuple(placed), tuple(overflow))


def plan_loads(route: Route, slots: tuple[Slot, ...]) -> tuple[LoadPlan, ...]:
    """Return one load plan per trip of ``route``."""
    return tuple(
        plan_load(route.van_id, trip, route.trip_visits(trip), slots)
        for trip in sorted({v.trip for v in route.visits})
    )
