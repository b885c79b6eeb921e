"""Rate cards as data: carrier services' tariff rows, surcharges, chargeable weight.

A rate card is the rows of one service (``CN-SZX>US-FC1:air``): its basis says
how it prices:

- ``container``: FCL, per container of ``capacity_m3`` / ``max_piece_kg`` payload;
- ``wm``: LCL, per revenue tonne ``max(m3, t)`` (W/M, 1 t = 1 m3), min 1 RT;
- ``kg``: air or express, per chargeable kg with weight breaks (``break_from``);
- ``band``: parcel or postal, per piece: item fee + per kg of the band the piece
  falls in; a piece heavier than ``max_piece_kg`` cannot go.

Chargeable weight uses the service's volumetric divisor (cm3 per kg). Fuel and
peak surcharges apply by date. A seller or 3PL loads its own contracted rates
from a CSV with the same columns; its services replace the packaged ones of the
same id.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from fnmatch import fnmatch

from worldpool.errors import InputError
from worldpool.logistics._data import read_text

__all__ = [
    "Piece",
    "Price",
    "RateRow",
    "Surcharge",
    "load_rate_rows",
    "load_surcharges",
    "parse_rate_rows",
    "price_service",
    "services_of",
]

_RATE_COLUMNS = (
    "service",
    "carrier",
    "mode",
    "origin",
    "destination",
    "basis",
    "break_from",
    "rate",
    "per_shipment",
    "min_charge",
    "divisor",
    "capacity_m3",
    "max_piece_kg",
    "currency",
    "source",
    "effective_date",
)
_BASES = ("container", "wm", "kg", "band")
_HALF = Decimal("0.5")
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Piece:
    """One handling unit of a shipment (a carton, a parcel)."""

    weight_kg: Decimal
    """Gross weight, in kg."""
    volume_m3: Decimal
    """Outer volume, in cubic metres."""


@dataclass(frozen=True, slots=True)
class RateRow:
    """One tariff row of a carrier service."""

    service: str
    """Service id, e.g. ``CN-SZX>US-FC1:air``."""
    carrier: str
    """Who carries it (forwarder, integrator, postal operator ...)."""
    mode: str
    """Lane mode whose transit times apply (sea, air, express, parcel)."""
    origin: str
    """Origin node id."""
    destination: str
    """FC id, or a marketplace id for parcel services."""
    basis: str
    """``container``, ``wm``, ``kg`` or ``band`` (see the module docstring)."""
    break_from: Decimal
    """Weight break / band lower bound, in kg (0 for the first row)."""
    rate: Decimal
    """Per container, per revenue tonne or per kg, in ``currency``."""
    per_shipment: Decimal
    """Fixed fee per shipment (``kg``) or per piece (``band``), in ``currency``."""
    min_charge: Decimal
    """Minimum freight charge per shipment, in ``currency``."""
    divisor: int
    """Volumetric divisor in cm3/kg (0: actual weight only)."""
    capacity_m3: Decimal
    """Loadable volume of one container (``container`` only), in m3."""
    max_piece_kg: Decimal
    """Heaviest piece accepted (payload per container for FCL), in kg."""
    currency: str
    """ISO 4217 code of every amount."""
    source: str
    """Published tariff the row comes from, or ``editable default``."""
    effective_date: date
    """Date from which the row applies."""


@dataclass(frozen=True, slots=True)
class Surcharge:
    """A dated fuel or peak surcharge on the services matching a pattern."""

    service: str
    """Service id pattern (``*:air`` matches every air service)."""
    kind: str
    """``fuel`` or ``peak``."""
    basis: str
    """``pct`` (share of the freight charge) or ``per_kg`` (per chargeable kg)."""
    value: Decimal
    """Share (0.265 = 26.5 %) or amount per kg in the service's currency."""
    valid_from: date
    """First day it applies (ship date)."""
    valid_to: date
    """Last day it applies."""
    source: str
    """Where it comes from."""


@dataclass(frozen=True, slots=True)
class Price:
    """What one service charges for one shipment, in its currency."""

    service: str
    """Service id."""
    carrier: str
    """Carrier."""
    mode: str
    """Lane mode."""
    currency: str
    """ISO 4217 code."""
    chargeable: Decimal
    """Chargeable quantity: kg, revenue tonnes or containers (see ``unit``)."""
    unit: str
    """``kg``, ``RT`` or ``containers``."""
    freight: Decimal
    """Base freight after minimums, in ``currency``."""
    fuel: Decimal
    """Fuel surcharge, in ``currency``."""
    peak: Decimal
    """Peak-season surcharge, in ``currency``."""
    source: str
    """Source of the tariff row used."""

    @property
    def total(self) -> Decimal:
        """Freight plus surcharges, in ``currency``."""
        return self.freight + self.fuel + self.peak


def _row(raw: Mapping[str, str], n: int, origin: str) -> RateRow:
    rec = f"{origin} row {n}"
    try:
        row = RateRow(
            service=raw["service"].strip(),
            carrier=raw["carrier"].strip(),
            mode=raw["mode"].strip(),
            origin=raw["origin"].strip(),
            destination=raw["destination"].strip(),
            basis=raw["basis"].strip(),
            break_from=Decimal(raw["break_from"] or "0"),
            rate=Decimal(raw["rate"]),
            per_shipment=Decimal(raw["per_shipment"] or "0"),
            min_charge=Decimal(raw["min_charge"] or "0"),
            divisor=int(raw["divisor"] or "0"),
            capacity_m3=Decimal(raw["capacity_m3"] or "0"),
            max_piece_kg=Decimal(raw["max_piece_kg"] or "0"),
            currency=raw["currency"].strip().upper(),
            source=raw["source"].strip(),
            effective_date=date.fromisoformat(raw["effective_date"]),
        )
    except (KeyError, ValueError, ArithmeticError) as exc:
        raise InputError(f"bad rate-card row: {exc}", record=rec, row=n) from None
    if row.basis not in _BASES:
        raise InputError("unknown basis", record=rec, field="basis", value=row.basis)
    if not row.source:
        raise InputError("every rate needs a source", record=rec, field="source")
    if row.rate < 0 or (row.basis == "container" and row.capacity_m3 <= 0):
        raise InputError("rate/capacity out of range", record=rec, field="rate")
    return row


def parse_rate_rows(text: str, origin: str = "rates.csv") -> tuple[RateRow, ...]:
    """Parse rate-card CSV text (the packaged columns) into rows.

    Args:
        text: CSV with the header of ``logistics/data/rate_cards.csv``.
        origin: Name used in error messages.

    Raises:
        InputError: a missing column or a bad value, naming the row and field.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _RATE_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise InputError("missing columns", record=origin, field=",".join(missing))
    return tuple(_row(raw, n, origin) for n, raw in enumerate(reader, start=2))


def load_rate_rows(override: str | None = None) -> tuple[RateRow, ...]:
    """Return the packaged rate rows, with ``override`` CSV services replacing theirs.

    Args:
        override: A seller's contracted rates as CSV text (same columns); every
            service it names replaces the packaged rows of that service.
    """
    rows = parse_rate_rows(read_text("rate_cards.csv"), "rate_cards.csv")
    if not override:
        return rows
    own = parse_rate_rows(override, "contracted rates")
    replaced = {r.service for r in own}
    return tuple(r for r in rows if r.service not in replaced) + own


def load_surcharges() -> tuple[Surcharge, ...]:
    """Return the packaged dated fuel and peak surcharges."""
    out = []
    for raw in csv.DictReader(io.StringIO(read_text("surcharges.csv"))):
        out.append(
            Surcharge(
                raw["service"],
                raw["kind"],
                raw["basis"],
                Decimal(raw["value"]),
                date.fromisoformat(raw["valid_from"]),
                date.fromisoformat(raw["valid_to"]),
                raw["source"],
            )
        )
    return tuple(out)


def services_of(
    rows: Iterable[RateRow], origin: str, destination: str, as_of: date
) -> dict[str, tuple[RateRow, ...]]:
    """Group the rows in force on ``as_of`` from ``origin`` to ``destination``.

    Where a service has rows of several effective dates, the latest one not
    after ``as_of`` wins. Rows are sorted by ``break_from``.
    """
    found: dict[str, list[RateRow]] = {}
    for r in rows:
        here = r.origin == origin and r.destination == destination
        if here and r.effective_date <= as_of:
            found.setdefault(r.service, []).append(r)
    out = {}
    for service, rs in found.items():
        latest = max(r.effective_date for r in rs)
        kept = sorted(
            (r for r in rs if r.effective_date == latest), key=lambda r: r.break_from
        )
        out[service] = tuple(kept)
    return out


def chargeable_kg(piece: Piece, divisor: int) -> Decimal:
    """Return max(actual kg, volume cm3 / divisor), in kg (actual when no divisor)."""
    if divisor <= 0:
        return piece.weight_kg
    return max(piece.weight_kg, piece.volume_m3 * Decimal(1_000_000) / divisor)


def _half_up(kg: Decimal) -> Decimal:
    # Integrators and airlines bill in half-kilo steps.
    return (kg / _HALF).to_integral_value(rounding=ROUND_CEILING) * _HALF


def _break_rate(rows: tuple[RateRow, ...], kg: Decimal) -> RateRow:
    usable = [r for r in rows if r.break_from <= kg]
    return usable[-1] if usable else rows[0]


def _by_kg(rows: tuple[RateRow, ...], pieces: list[Piece]) -> tuple[Decimal, Decimal]:
    first = rows[0]
    kg = _half_up(sum((chargeable_kg(p, first.divisor) for p in pieces), Decimal(0)))
    cost = kg * _break_rate(rows, kg).rate
    # Airline practice: charge the next break's minimum weight when cheaper.
    for r in rows:
        if r.break_from > kg:
            cost = min(cost, r.break_from * r.rate)
    return kg, max(cost + first.per_shipment, first.min_charge)


def _by_band(
    rows: tuple[RateRow, ...], pieces: list[Piece]
) -> tuple[Decimal, Decimal] | None:
    total_kg = cost = Decimal(0)
    for p in pieces:
        kg = chargeable_kg(p, rows[0].divisor)
        if kg > rows[0].max_piece_kg:
            return None
        band = _break_rate(rows, kg)
        cost += band.per_shipment + band.rate * kg
        total_kg += kg
    return total_kg, max(cost, rows[0].min_charge)


def _by_container(row: RateRow, pieces: list[Piece]) -> tuple[Decimal, Decimal]:
    volume = sum((p.volume_m3 for p in pieces), Decimal(0))
    weight = sum((p.weight_kg for p in pieces), Decimal(0))
    n = max(
        1,
        math.ceil(volume / row.capacity_m3),
        math.ceil(weight / row.max_piece_kg) if row.max_piece_kg > 0 else 1,
    )
    return Decimal(n), max(n * row.rate, row.min_charge)


def _by_wm(row: RateRow, pieces: list[Piece]) -> tuple[Decimal, Decimal]:
    volume = sum((p.volume_m3 for p in pieces), Decimal(0))
    tonnes = sum((p.weight_kg for p in pieces), Decimal(0)) / 1000
    rt = max(Decimal(1), volume, tonnes)
    return rt, max(rt * row.rate, row.min_charge)


def _surcharges(
    service: str, freight: Decimal, kg: Decimal, charges: Iterable[Surcharge], on: date
) -> dict[str, Decimal]:
    out = {"fuel": Decimal(0), "peak": Decimal(0)}
    for s in charges:
        if not (fnmatch(service, s.service) and s.valid_from <= on <= s.valid_to):
            continue
        amount = freight * s.value if s.basis == "pct" else kg * s.value
        out[s.kind] = out.get(s.kind, Decimal(0)) + amount
    return out


def price_service(
    rows: tuple[RateRow, ...],
    pieces: list[Piece],
    surcharges: Iterable[Surcharge] = (),
    ship_date: date | None = None,
) -> Price | None:
    """Price one shipment of ``pieces`` on one service; None when it cannot go.

    Args:
        rows: The service's tariff rows in force (see :func:`services_of`).
        pieces: Cartons or parcels (kg, m3).
        surcharges: Dated fuel/peak surcharges to apply.
        ship_date: Day of handover (surcharges are dated); default: no surcharges.
    """
    if not rows or not pieces:
        return None
    first = rows[0]
    unit = {"container": "containers", "wm": "RT"}.get(first.basis, "kg")
    if first.basis == "container":
        charged, freight = _by_container(first, pieces)
    elif first.basis == "wm":
        charged, freight = _by_wm(first, pieces)
    elif first.basis == "kg":
        if any(chargeable_kg(p, first.divisor) > first.max_piece_kg for p in pieces):
            return None
        charged, freight = _by_kg(rows, pieces)
    else:
        banded = _by_band(rows, pieces)
        if banded is None:
            return None
        charged, freight = banded
    kg = charged if unit == "kg" else Decimal(0)
    extra = _surcharges(first.service, freight, kg, surcharges, ship_date or date.min)
    return Price(
        first.service,
        first.carrier,
        first.mode,
        first.currency,
        charged,
        unit,
        freight.quantize(_CENT),
        extra["fuel"].quantize(_CENT),
        extra["peak"].quantize(_CENT),
        first.source,
    )
