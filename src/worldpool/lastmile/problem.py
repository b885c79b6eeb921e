"""The last-mile routing problem: stops with parcels, vans, and solver settings.

Times are seconds after local midnight of the delivery day at the depot
(``8 * 3600`` is 08:00). Distances are metres, weights kilograms, volumes
litres. Money is ``Decimal`` in the van's currency.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

from worldpool.errors import InputError

__all__ = [
    "LastMileParams",
    "Parcel",
    "RoutingProblem",
    "Slot",
    "Stop",
    "Unassigned",
    "Van",
    "clock",
    "slot_layout",
]


def clock(seconds: int) -> str:
    """Return ``HH:MM`` for seconds after midnight (``+1d`` past midnight)."""
    day, rest = divmod(int(seconds), 86_400)
    text = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}"
    return text + (f" +{day}d" if day else "")


@dataclass(frozen=True, slots=True)
class Parcel:
    """One parcel to deliver."""

    id: str
    """Parcel id (unique in the day), printed on its label."""
    order: str
    """The order it belongs to (``channel:channel_order_id`` for ledger orders)."""
    weight_kg: float
    """Gross weight, in kilograms (>= 0)."""
    volume_l: float
    """Packed volume, in litres (>= 0)."""


@dataclass(frozen=True, slots=True)
class Stop:
    """One delivery address and the parcels that go there."""

    id: str
    """Stop id (unique in the day)."""
    lat: float
    """Latitude, decimal degrees (WGS84)."""
    lon: float
    """Longitude, decimal degrees (WGS84)."""
    parcels: tuple[Parcel, ...]
    """What is delivered here (at least one)."""
    window_start: int
    """Earliest start of service, seconds after midnight."""
    window_end: int
    """Latest start of service, seconds after midnight."""
    service_s: int
    """Time spent at the stop (parking, walking, hand-over), in seconds."""
    name: str = ""
    """Recipient, for the manifest."""
    address: str = ""
    """Street address, for the manifest."""

    @property
    def weight_kg(self) -> float:
        """Total parcel weight, in kilograms."""
        return sum(p.weight_kg for p in self.parcels)

    @property
    def volume_l(self) -> float:
        """Total parcel volume, in litres."""
        return sum(p.volume_l for p in self.parcels)


@dataclass(frozen=True, slots=True)
class Slot:
    """One shelf slot in a van's cargo area."""

    code: str
    """Printed on the parcel label: bay letter (A nearest the door) + level."""
    volume_l: float
    """Usable volume, in litres."""
    door_rank: int
    """0 for the bay nearest the door, then 1, 2 ... deeper into the van."""


def slot_layout(capacity_l: float, bays: int, levels: int) -> tuple[Slot, ...]:
    """Return ``bays x levels`` equal slots sharing ``capacity_l``, door side first.

    Args:
        capacity_l: The van's usable cargo volume, in litres.
        bays: Shelf bays from the door inwards (1..26), lettered A, B, C ...
        levels: Shelf levels per bay (>= 1), numbered from 1.
    """
    if not 1 <= bays <= 26 or levels < 1:
        raise InputError(
            "a van needs 1-26 bays and at least one level",
            record="fleet",
            field="bays",
            value=f"{bays}x{levels}",
        )
    size = capacity_l / (bays * levels)
    return tuple(
        Slot(f"{chr(65 + b)}{lv + 1}", size, b)
        for b in range(bays)
        for lv in range(levels)
    )


@dataclass(frozen=True, slots=True)
class Van:
    """One van of the hub's own fleet, for one shift."""

    id: str
    """Van id (plate or fleet number)."""
    capacity_kg: float
    """Payload, in kilograms."""
    capacity_l: float
    """Cargo volume, in litres."""
    shift_start: int
    """Earliest departure from the depot, seconds after midnight."""
    shift_end: int
    """Latest return to the depot, seconds after midnight."""
    depot_lat: float
    """Depot latitude, decimal degrees."""
    depot_lon: float
    """Depot longitude, decimal degrees."""
    cost_per_km: Decimal
    """Running cost per kilometre driven, in ``currency``."""
    cost_per_hour: Decimal
    """Driver and van cost per hour out of the depot, in ``currency``."""
    currency: str = "USD"
    """ISO 4217 code of the costs."""
    fixed_cost: Decimal = Decimal(0)
    """Cost of using the van at all that day, in ``currency``."""
    slots: tuple[Slot, ...] = ()
    """Shelf slots; empty means one slot holding the whole volume."""

    def __post_init__(self) -> None:
        if self.shift_end <= self.shift_start:
            raise InputError(
                "the shift ends before it starts",
                record=self.id,
                field="shift_end",
                value=clock(self.shift_end),
            )
        if self.capacity_kg <= 0 or self.capacity_l <= 0:
            raise InputError(
                "capacity must be positive",
                record=self.id,
                field="capacity",
                value=f"{self.capacity_kg} kg / {self.capacity_l} l",
            )

    @property
    def shelf(self) -> tuple[Slot, ...]:
        """The slots to load into (one whole-van slot when none are given)."""
        return self.slots or (Slot("A1", self.capacity_l, 0),)

    @property
    def shelf_l(self) -> float:
        """Usable shelf volume, in litres (at most the cargo volume)."""
        return min(self.capacity_l, sum(s.volume_l for s in self.shelf))

    @property
    def depot(self) -> tuple[float, float]:
        """Depot ``(lat, lon)``."""
        return (self.depot_lat, self.depot_lon)


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A stop that no route serves, and why."""

    stop_id: str
    """The stop (or the input row's id when it never became a stop)."""
    code: str
    """Machine-readable reason (``no_coordinates``, ``too_heavy``, ...)."""
    reason: str
    """The reason in the reader's language."""


@dataclass(frozen=True, slots=True)
class LastMileParams:
    """Settings of the route planner (TOML section ``[lastmile]``)."""

    seconds: float = 10.0
    """Solver wall-clock time limit, in seconds."""
    seed: int = 1
    """Solver random seed."""
    workers: int = 0
    """Parallel searches (seeds ``seed``, ``seed + 1``, ...; best kept);
    0 = one per CPU the process may use (at most 8)."""
    circuity: float = 1.3
    """Road distance / straight-line distance, for haversine distances."""
    speed_kmh: float = 30.0
    """Average driving speed for haversine travel times, in km/h."""
    max_trips: int = 2
    """Trips a van may make in one shift (reloading at the depot between)."""
    volume_fill: float = 0.9
    """Share of the shelf volume the solver may fill (room to pack by stop)."""
    service_s: int = 180
    """Default time at a stop, in seconds, when the input gives none."""
    drop_cost: Decimal = Decimal(1000)
    """Cost of leaving a stop unserved, in the fleet's currency; above any
    route's cost, so stops are dropped only when they cannot fit."""

    def __post_init__(self) -> None:
        checks = {
            "seconds": self.seconds > 0,
            "circuity": self.circuity >= 1,
            "speed_kmh": self.speed_kmh > 0,
            "max_trips": self.max_trips >= 1,
            "volume_fill": 0 < self.volume_fill <= 1,
            "drop_cost": self.drop_cost > 0,
            "service_s": self.service_s >= 0,
            "workers": self.workers >= 0,
        }
        for name, ok in checks.items():
            if not ok:
                raise InputError(
                    "setting out of range",
                    record="lastmile",
                    field=name,
                    value=getattr(self, name),
                )

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> LastMileParams:
        """Return params from a mapping (a TOML ``[lastmile]`` table).

        Raises:
            InputError: on an unknown key or an out-of-range value.
        """
        known = {f.name for f in fields(cls)}
        for key in values:
            if key not in known:
                raise InputError("unknown setting", record="[lastmile]", field=key)
        clean = dict(values)
        if "drop_cost" in clean:
            clean["drop_cost"] = Decimal(str(clean["drop_cost"]))
        return cls(**clean)

    @classmethod
    def from_toml(cls, path: str | Path, section: str = "lastmile") -> LastMileParams:
        """Return params from a TOML file's ``[lastmile]`` table (missing = defaults).

        Raises:
            InputError: on an unknown key, an out-of-range value, or a bad file.
        """
        try:
            with Path(path).open("rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(
                f"cannot read settings ({exc})", record=str(path)
            ) from None
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise InputError("must be a table", record=str(path), field=section)
        return cls.from_mapping(table)


@dataclass(frozen=True, slots=True)
class RoutingProblem:
    """One node's day of deliveries with its fleet."""

    node: str
    """The node the vans leave from (``US-FC1``)."""
    date: dt.date
    """Delivery day."""
    stops: tuple[Stop, ...]
    """Stops with coordinates."""
    vans: tuple[Van, ...]
    """Vans available that day (at least one)."""
    rejected: tuple[Unassigned, ...] = field(default=())
    """Input rows that never became stops (no coordinates, bad values)."""

    def __post_init__(self) -> None:
        if not self.vans:
            raise InputError("the fleet is empty", record="fleet")
        ids = [s.id for s in self.stops]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise InputError("stop ids repeat", record="stops", field="id", value=dup)
        currencies = {v.currency for v in self.vans}
        if len(currencies) > 1:
            raise InputError(
                "all vans must cost in one currency",
                record="fleet",
                field="currency",
                value=",".join(sorted(currencies)),
            )
