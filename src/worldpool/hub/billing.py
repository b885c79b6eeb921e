"""Price a seller's month at the hub: daily snapshots, usage, statement lines.

Pure functions of plain records (no database). The service layer gathers the
usage with SQL aggregates over the journal; :func:`usage_from_movements`
computes the same usage from the movements one by one, so a statement can be
reconciled against the ledger independently (the test and the benchmark do).

Every amount is a Decimal rounded half-up to the cent per line; a statement's
total is the sum of its lines.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from worldpool.errors import CatalogError, InputError
from worldpool.hub.ratecard import RateCard

__all__ = [
    "CENT",
    "MovementRow",
    "Snapshot",
    "StatementLine",
    "Usage",
    "cents",
    "daily_snapshots",
    "month_bounds",
    "on_hand_delta",
    "price_usage",
    "usage_from_movements",
]

CENT = Decimal("0.01")
HANDLING = ("inbound_carton", "inbound_unit", "pick_order", "pick_unit", "pack_order")
"""Services priced from the journal's receive and ship movements."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A seller's stock at a node at the end of one day."""

    seller: str
    """Seller id."""
    node: str
    """Node id."""
    day: date
    """The day (UTC)."""
    units: int
    """Units on hand at the end of the day."""
    volume_m3: Decimal
    """Their volume in m³ (units x each SKU's unit volume)."""


@dataclass(frozen=True, slots=True)
class Usage:
    """What a seller used of one service on one day (before pricing)."""

    seller: str
    """Seller id."""
    day: date
    """The day (UTC)."""
    service: str
    """Service code of the rate card."""
    basis: Decimal
    """Quantity priced: m³, cartons, units, orders, tasks or cost (currency)."""
    records: int
    """How many journal movements, charges or snapshots it comes from."""
    trace: str
    """Where it comes from, as a filter on the ledger (for audit)."""


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One priced line of a monthly statement."""

    line_no: int
    """1-based position in the statement."""
    day: date
    """The day the usage happened."""
    service: str
    """Service code."""
    unit: str
    """Unit of ``basis`` (from the rate row)."""
    basis: Decimal
    """Quantity priced."""
    rate: Decimal
    """Rate applied (per unit, or the margin fraction for ``cost_plus``)."""
    amount: Decimal
    """Money charged, rounded half-up to the cent."""
    currency: str
    """ISO 4217 currency."""
    records: int
    """Number of ledger records behind the line."""
    trace: str
    """Ledger filter the line comes from."""


@dataclass(frozen=True, slots=True)
class MovementRow:
    """The journal fields billing reads from one movement."""

    kind: str
    """Movement kind (``receive``, ``ship`` ...)."""
    sku: str
    """SKU id."""
    node: str
    """Node whose stock changes (destination of a transfer)."""
    from_node: str | None
    """Source node of a transfer."""
    qty: int
    """Units (signed for ``adjust``)."""
    damaged: int
    """Damaged units of a ``transfer_in``."""
    short: int
    """Short units of a ``transfer_in``."""
    reference: str
    """Order id, ASN id ..."""
    at: datetime
    """When it happened (UTC)."""


def cents(amount: Decimal) -> Decimal:
    """Round ``amount`` half-up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def month_bounds(month: str) -> tuple[date, date]:
    """Return (first day, first day of the next month) of ``YYYY-MM``.

    Raises:
        InputError: ``month`` is not ``YYYY-MM``.
    """
    try:
        year, mon = (int(p) for p in month.split("-"))
        first = date(year, mon, 1)
    except ValueError:
        raise InputError(
            "month must be YYYY-MM", record="statement", field="month", value=month
        ) from None
    days = calendar.monthrange(first.year, first.month)[1]
    return first, first + timedelta(days=days)


def on_hand_delta(m: MovementRow, node: str) -> int:
    """Return the change of on-hand units at ``node`` that movement ``m`` makes."""
    if m.kind == "transfer_out":
        return -m.qty if m.from_node == node else 0
    if m.node != node:
        return 0
    if m.kind in ("receive", "return", "adjust"):
        return m.qty
    if m.kind == "transfer_in":
        return m.qty - m.damaged - m.short
    return -m.qty if m.kind == "ship" else 0


def daily_snapshots(
    seller: str,
    node: str,
    deltas: Mapping[date, tuple[int, Decimal]],
    month: str,
) -> list[Snapshot]:
    """Return the end-of-day stock of every day of ``month`` from daily changes.

    Args:
        seller: Seller id.
        node: Node id.
        deltas: Change of (units, volume m³) per day, any days (earlier days
            make the opening stock; later days are ignored).
        month: ``YYYY-MM``.
    """
    first, end = month_bounds(month)
    units, volume = 0, Decimal(0)
    for day, (du, dv) in deltas.items():
        if day < first:
            units, volume = units + du, volume + dv
    out = []
    day = first
    while day < end:
        du, dv = deltas.get(day, (0, Decimal(0)))
        units, volume = units + du, volume + dv
        out.append(Snapshot(seller, node, day, units, volume))
        day += timedelta(days=1)
    return out


def storage_usage(snapshots: Iterable[Snapshot]) -> list[Usage]:
    """Return one storage usage per day with stock (basis: end-of-day m³)."""
    return [
        Usage(
            s.seller,
            s.day,
            "storage",
            s.volume_m3,
            1,
            f"hub_snapshots seller={s.seller} node={s.node} day={s.day}: "
            f"{s.units} units",
        )
        for s in snapshots
        if s.volume_m3 > 0
    ]


def price_usage(usage: Sequence[Usage], card: RateCard) -> list[StatementLine]:
    """Price ``usage`` of one seller-month with ``card`` (the seller's card).

    Lines come sorted by (day, service); usage with a zero basis is dropped.

    Raises:
        CatalogError: a used service has no rate in force on its day, or the
            card mixes currencies.
    """
    lines: list[StatementLine] = []
    ordered = sorted(
        (u for u in usage if u.basis != 0), key=lambda u: (u.day, u.service)
    )
    for u in ordered:
        row = card.row(u.service, u.day, u.basis)
        if row is None:
            raise CatalogError(
                f"no rate in force on {u.day} for {u.basis} {u.service}",
                record=f"rate card of {u.seller}",
                field="service",
                value=u.service,
            )
        if row.unit == "m3_month":
            days = calendar.monthrange(u.day.year, u.day.month)[1]
            amount = u.basis * row.rate / days
        elif row.unit == "cost_plus":
            amount = u.basis * (1 + row.rate)
        else:
            amount = u.basis * row.rate
        lines.append(
            StatementLine(
                len(lines) + 1,
                u.day,
                u.service,
                row.unit,
                u.basis,
                row.rate,
                cents(amount),
                row.currency,
                u.records,
                u.trace,
            )
        )
    if len({ln.currency for ln in lines}) > 1:
        raise CatalogError(
            "a seller's rate card must use one currency", field="currency"
        )
    return lines


def usage_from_movements(
    seller: str,
    node: str,
    month: str,
    movements: Iterable[MovementRow],
    unit_volume: Mapping[str, Decimal],
    per_units: int,
) -> tuple[list[Snapshot], list[Usage]]:
    """Recompute a seller-month's snapshots and handling usage from raw movements.

    Args:
        seller: Seller id.
        node: The hub node billed.
        month: ``YYYY-MM``.
        movements: Every movement of the seller up to the end of the month.
        unit_volume: m³ per unit of each SKU.
        per_units: Units per carton for ``inbound_carton``.
    """
    first, end = month_bounds(month)
    deltas: dict[date, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    agg: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    orders: dict[date, set[str]] = defaultdict(set)
    for m in movements:
        day = m.at.date()
        delta = on_hand_delta(m, node)
        if delta:
            d = deltas[day]
            d[0] += delta
            d[1] += delta * unit_volume[m.sku]
        if (
            not first <= day < end
            or m.node != node
            or m.kind not in ("receive", "ship")
        ):
            continue
        a = agg[(day, m.kind)]
        a[0] += m.qty
        a[1] += 1
        a[2] += -(-m.qty // per_units)
        if m.kind == "ship":
            orders[day].add(m.reference)
    snaps = daily_snapshots(
        seller, node, {d: (int(u), v) for d, (u, v) in deltas.items()}, month
    )
    usage = storage_usage(snaps)
    for (day, kind), (qty, n, cartons) in agg.items():
        usage += handling_usage(
            seller, node, day, kind, qty, n, cartons, len(orders[day])
        )
    return snaps, usage


def handling_usage(
    seller: str,
    node: str,
    day: date,
    kind: str,
    qty: int,
    rows: int,
    cartons: int,
    orders: int,
) -> list[Usage]:
    """Return the handling usage of one day's ``receive`` or ``ship`` movements.

    Args:
        seller: Seller id.
        node: Node id.
        day: The day.
        kind: ``receive`` or ``ship``.
        qty: Units moved.
        rows: Movements summed.
        cartons: Cartons received (receive only).
        orders: Distinct order references shipped (ship only).
    """
    trace = f"movements seller={seller} kind={kind} node={node} day={day}"
    pairs: tuple[tuple[str, int], ...]
    if kind == "receive":
        pairs = (("inbound_carton", cartons), ("inbound_unit", qty))
    else:
        pairs = (("pick_order", orders), ("pick_unit", qty), ("pack_order", orders))
    return [Usage(seller, day, s, Decimal(b), rows, trace) for s, b in pairs]


def charge_usage(
    seller: str,
    node: str,
    day: date,
    service: str,
    qty: Decimal,
    cost: Decimal,
    rows: int,
) -> Usage:
    """Return the usage of one day's recorded charges of ``service``.

    A ``ffo_parcel`` is priced on its carrier cost (currency); a value-added
    service on its task count.
    """
    basis = cost if service == "ffo_parcel" else qty
    trace = f"hub_charges seller={seller} service={service} node={node} day={day}"
    return Usage(seller, day, service, basis, rows, trace)
