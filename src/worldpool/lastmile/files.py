"""Read the fleet, the day's stops and a postcode-centroid table (CSV or JSON).

Formats (docs/how-to/last-mile.md has examples):

* **fleet** -- one row per van: ``van, capacity_kg, capacity_l, shift_start,
  shift_end, depot_lat, depot_lon, cost_per_km, cost_per_hour`` and optional
  ``currency`` (USD), ``fixed_cost`` (0), ``bays`` (4), ``levels`` (3).
  A bad fleet row stops everything (a fleet is a few lines of configuration).
* **stops** -- one row per parcel: ``order, weight_kg, volume_l`` and either
  ``lat, lon`` or ``postal_code`` (+ ``country``) found in the centroid
  table; optional ``stop`` (default: the order), ``parcel`` (default
  ``order-n``), ``window_start``, ``window_end`` (``HH:MM``; default the
  fleet's shifts), ``service_min``, ``name``, ``address``. A bad row is
  rejected with its reason and the rest are planned.
* **postcodes** -- ``country, postal_code, lat, lon`` (user-supplied centroids).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from worldpool.errors import InputError
from worldpool.lastmile.problem import Parcel, Stop, Unassigned, Van, slot_layout

__all__ = [
    "Postcodes",
    "StopDefaults",
    "parse_clock",
    "read_fleet",
    "read_postcodes",
    "read_rows",
    "stops_from_rows",
]

Postcodes = Mapping[tuple[str, str], tuple[float, float]]
"""``(country, normalised postcode) -> (lat, lon)``."""


def read_rows(text: str, source: str) -> list[dict[str, str]]:
    """Return the rows of a CSV file or a JSON list of objects, values as text."""
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON ({exc.msg})", record=source) from None
        if not all(isinstance(r, dict) for r in data):
            raise InputError("expected a JSON list of objects", record=source)
        return [
            {str(k): "" if v is None else str(v) for k, v in r.items()} for r in data
        ]
    return [
        {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


def parse_clock(value: str, *, record: str, row: int, field: str) -> int:
    """Return seconds after midnight for ``HH:MM`` (``24:00`` and later allowed)."""
    try:
        hours, minutes = value.split(":")[:2]
        h, m = int(hours), int(minutes)
        if h < 0 or not 0 <= m < 60:
            raise ValueError
    except ValueError:
        raise InputError(
            "expected a clock time HH:MM",
            record=record,
            row=row,
            field=field,
            value=value,
        ) from None
    return h * 3600 + m * 60


def _number(
    r: Mapping[str, str], field: str, record: str, row: int, default: str | None = None
) -> Decimal:
    raw = r.get(field) or default
    try:
        if raw is None:
            raise InvalidOperation
        value = Decimal(raw)
        if not value.is_finite() or value < 0:
            raise InvalidOperation
    except InvalidOperation:
        raise InputError(
            "expected a non-negative number",
            record=record,
            row=row,
            field=field,
            value=raw,
        ) from None
    return value


def _degrees(
    r: Mapping[str, str], field: str, source: str, row: int, limit: int
) -> float:
    try:
        value = float(r.get(field, ""))
        if not -limit <= value <= limit:
            raise ValueError
    except ValueError:
        raise InputError(
            "expected decimal degrees",
            record=source,
            row=row,
            field=field,
            value=r.get(field),
        ) from None
    return value


def _van(r: Mapping[str, str], source: str, row: int) -> Van:
    def _num(field: str, default: str | None = None) -> Decimal:
        return _number(r, field, source, row, default)

    if not r.get("van"):
        raise InputError("a van needs an id", record=source, row=row, field="van")
    capacity_l = float(_num("capacity_l"))
    return Van(
        id=r["van"],
        capacity_kg=float(_num("capacity_kg")),
        capacity_l=capacity_l,
        shift_start=parse_clock(
            r.get("shift_start", ""), record=source, row=row, field="shift_start"
        ),
        shift_end=parse_clock(
            r.get("shift_end", ""), record=source, row=row, field="shift_end"
        ),
        depot_lat=_degrees(r, "depot_lat", source, row, 90),
        depot_lon=_degrees(r, "depot_lon", source, row, 180),
        cost_per_km=_num("cost_per_km"),
        cost_per_hour=_num("cost_per_hour"),
        currency=(r.get("currency") or "USD").upper(),
        fixed_cost=_num("fixed_cost", "0"),
        slots=slot_layout(capacity_l, int(_num("bays", "4")), int(_num("levels", "3"))),
    )


def read_fleet(text: str, source: str = "fleet.csv") -> tuple[Van, ...]:
    """Return the vans of a fleet file (CSV or JSON).

    Raises:
        InputError: a row is malformed (names file, row and field).
    """
    vans = tuple(_van(r, source, i) for i, r in enumerate(read_rows(text, source), 1))
    ids = [v.id for v in vans]
    if len(set(ids)) != len(ids):
        raise InputError("van ids repeat", record=source, field="van")
    return vans


def read_postcodes(
    text: str, source: str = "postcodes.csv"
) -> dict[tuple[str, str], tuple[float, float]]:
    """Return a postcode-centroid table: ``(country, postcode) -> (lat, lon)``."""
    out: dict[tuple[str, str], tuple[float, float]] = {}
    for i, r in enumerate(read_rows(text, source), 1):
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
        except (KeyError, ValueError):
            raise InputError(
                "expected numeric lat and lon",
                record=source,
                row=i,
                field="lat",
                value=r.get("lat"),
            ) from None
        out[(r.get("country", "").upper(), _postcode(r.get("postal_code", "")))] = (
            lat,
            lon,
        )
    return out


def _postcode(value: str) -> str:
    return "".join(value.split()).upper()


@dataclass(frozen=True, slots=True)
class StopDefaults:
    """Values for fields a stop row leaves empty."""

    window_start: int
    """Earliest service, seconds after midnight (the fleet's first shift start)."""
    window_end: int
    """Latest service start, seconds after midnight (the last shift end)."""
    service_s: int
    """Time at a stop, in seconds."""


def _where(
    r: Mapping[str, str], postcodes: Postcodes, source: str, row: int
) -> tuple[float, float]:
    if r.get("lat") and r.get("lon"):
        try:
            lat, lon = float(r["lat"]), float(r["lon"])
        except ValueError:
            raise InputError(
                "expected decimal degrees",
                record=source,
                row=row,
                field="lat",
                value=f"{r['lat']},{r['lon']}",
            ) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InputError(
                "coordinates out of range",
                record=source,
                row=row,
                field="lat",
                value=f"{lat},{lon}",
            )
        return lat, lon
    key = (r.get("country", "").upper(), _postcode(r.get("postal_code", "")))
    if key in postcodes:
        return postcodes[key]
    raise InputError(
        "no coordinates, and the postcode is not in the centroid table",
        record=source,
        row=row,
        field="postal_code",
        value=" ".join(key).strip(),
    )


def _parcel_row(
    r: Mapping[str, str],
    source: str,
    row: int,
    n: int,
    postcodes: Postcodes,
    d: StopDefaults,
) -> tuple[str, Parcel, dict[str, Any]]:
    order = r.get("order", "")
    if not order:
        raise InputError(
            "a parcel needs its order", record=source, row=row, field="order"
        )
    parcel = Parcel(
        r.get("parcel") or f"{order}-{n}",
        order,
        float(_number(r, "weight_kg", source, row)),
        float(_number(r, "volume_l", source, row)),
    )
    ws, we = r.get("window_start"), r.get("window_end")
    facts = {
        "where": _where(r, postcodes, source, row),
        "window_start": parse_clock(ws, record=source, row=row, field="window_start")
        if ws
        else d.window_start,
        "window_end": parse_clock(we, record=source, row=row, field="window_end")
        if we
        else d.window_end,
        "service_s": int(_number(r, "service_min", source, row) * 60)
        if r.get("service_min")
        else d.service_s,
        "name": r.get("name", ""),
        "address": r.get("address", ""),
    }
    return r.get("stop") or order, parcel, facts


def stops_from_rows(
    rows: Sequence[Mapping[str, str]],
    source: str,
    postcodes: Postcodes,
    defaults: StopDefaults,
) -> tuple[tuple[Stop, ...], tuple[Unassigned, ...]]:
    """Group parcel rows into stops; return the stops and the rejected rows.

    Rows of one stop take the first row's coordinates, window and names; a
    bad row is rejected (its stop id and the error) and the others kept.
    """
    facts: dict[str, dict[str, Any]] = {}
    parcels: dict[str, list[Parcel]] = {}
    rejected: list[Unassigned] = []
    counts: dict[str, int] = {}
    for i, r in enumerate(rows, 1):
        order = r.get("order", "")
        counts[order] = counts.get(order, 0) + 1
        try:
            stop_id, parcel, f = _parcel_row(
                r, source, i, counts[order], postcodes, defaults
            )
        except InputError as exc:
            code = "no_coordinates" if exc.field == "postal_code" else "bad_input"
            rejected.append(
                Unassigned(r.get("stop") or order or f"row {i}", code, str(exc))
            )
            continue
        facts.setdefault(stop_id, f)
        parcels.setdefault(stop_id, []).append(parcel)
    stops = tuple(
        Stop(
            sid,
            f["where"][0],
            f["where"][1],
            tuple(parcels[sid]),
            f["window_start"],
            f["window_end"],
            f["service_s"],
            f["name"],
            f["address"],
        )
        for sid, f in facts.items()
    )
    return stops, tuple(rejected)
