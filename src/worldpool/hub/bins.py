"""Bins of a hub: the layout file, capacity checks and location-sorted pick paths.

A bin is addressed ``zone-aisle-shelf-position`` and holds at most
``capacity_m3`` cubic metres and ``capacity_kg`` kilograms, all sellers
together. Its ``abc`` class sets how often it is cycle counted.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from worldpool.errors import InputError

__all__ = ["Bin", "BinProblem", "check_capacity", "parse_bins", "pick_path"]

_COLUMNS = (
    "node",
    "bin",
    "zone",
    "aisle",
    "shelf",
    "position",
    "capacity_m3",
    "capacity_kg",
)


@dataclass(frozen=True, slots=True)
class Bin:
    """One storage location in a hub."""

    node: str
    """Hub node id."""
    bin: str
    """Bin id (unique in the node)."""
    zone: str
    """Zone (e.g. ``A`` fast movers, ``B`` bulk)."""
    aisle: str
    """Aisle within the zone."""
    shelf: str
    """Shelf (level) within the aisle."""
    position: str
    """Position on the shelf."""
    capacity_m3: Decimal
    """Usable volume, m³."""
    capacity_kg: Decimal
    """Load limit, kg."""
    abc: str = "C"
    """Cycle-count class: ``A`` (often), ``B`` or ``C`` (seldom)."""

    def row(self) -> dict[str, object]:
        """Return the bin as a table row."""
        return {
            "node": self.node,
            "bin": self.bin,
            "zone": self.zone,
            "aisle": self.aisle,
            "shelf": self.shelf,
            "position": self.position,
            "capacity_m3": self.capacity_m3,
            "capacity_kg": self.capacity_kg,
            "abc": self.abc,
        }


@dataclass(frozen=True, slots=True)
class BinProblem:
    """One rejected row of a bins file."""

    row: int
    """1-based data row."""
    field: str
    """The wrong field."""
    message: str
    """What is wrong (names the file, row and field)."""


def parse_bins(
    text: str, source: str, hubs: Iterable[str]
) -> tuple[list[Bin], list[BinProblem]]:
    """Parse a bins CSV; return the good bins and the problems of the bad rows.

    Raises:
        InputError: a required column is missing.
    """
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise InputError("missing columns", record=source, field=",".join(missing))
    known = set(hubs)
    good, bad = [], []
    for n, raw in enumerate(reader, start=1):
        try:
            good.append(_bin(raw, source, n, known))
        except InputError as exc:
            bad.append(BinProblem(n, exc.field or "", str(exc)))
    return good, bad


def _bin(raw: dict[str, str], source: str, n: int, hubs: set[str]) -> Bin:
    vals = {k: (raw.get(k) or "").strip() for k in (*_COLUMNS, "abc")}
    if vals["node"] not in hubs:
        raise InputError(
            "not a hub node", record=source, row=n, field="node", value=vals["node"]
        )
    for name in ("bin", "zone", "aisle", "shelf", "position"):
        if not vals[name]:
            raise InputError("must not be empty", record=source, row=n, field=name)
    caps = []
    for name in ("capacity_m3", "capacity_kg"):
        try:
            cap = Decimal(vals[name])
        except InvalidOperation:
            cap = Decimal(-1)
        if not cap.is_finite() or cap <= 0:
            raise InputError(
                "must be a number > 0",
                record=source,
                row=n,
                field=name,
                value=vals[name],
            )
        caps.append(cap)
    abc = (vals["abc"] or "C").upper()
    if abc not in ("A", "B", "C"):
        raise InputError(
            "must be A, B or C", record=source, row=n, field="abc", value=abc
        )
    return Bin(
        vals["node"],
        vals["bin"],
        vals["zone"],
        vals["aisle"],
        vals["shelf"],
        vals["position"],
        caps[0],
        caps[1],
        abc,
    )


def check_capacity(
    bin_: Bin, load: tuple[Decimal, Decimal], add: tuple[Decimal, Decimal]
) -> None:
    """Raise InputError when adding ``add`` (m³, kg) to ``load`` overfills ``bin_``."""
    vol, kg = load[0] + add[0], load[1] + add[1]
    if vol > bin_.capacity_m3:
        raise InputError(
            f"bin would hold {vol:.4f} m3 of {bin_.capacity_m3} m3",
            record=f"bin {bin_.bin}",
            field="capacity_m3",
        )
    if kg > bin_.capacity_kg:
        raise InputError(
            f"bin would hold {kg:.2f} kg of {bin_.capacity_kg} kg",
            record=f"bin {bin_.bin}",
            field="capacity_kg",
        )


def pick_path(stops: Iterable[tuple[Bin, str, int]]) -> list[tuple[Bin, str, int]]:
    """Return pick stops (bin, sku, units) in walking order.

    Zones and aisles are visited in order; the aisles of a zone are walked in a
    serpentine (odd aisles up the positions, even aisles back down), so a
    picker never walks an aisle twice.
    """
    aisles = sorted({(b.zone, b.aisle) for b, _, _ in stops})
    rank = {za: i for i, za in enumerate(aisles)}

    def _key(stop: tuple[Bin, str, int]) -> tuple[object, ...]:
        b, sku, _ = stop
        i = rank[(b.zone, b.aisle)]
        pos = (b.position, b.shelf)
        return (i, pos if i % 2 == 0 else tuple(_desc(p) for p in pos), b.bin, sku)

    return sorted(stops, key=_key)


def _desc(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)
