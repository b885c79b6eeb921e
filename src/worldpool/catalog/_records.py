"""Turn located catalog rows into domain records (one parser per file)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from worldpool.catalog._rows import Row
from worldpool.domain.market import Channel, Marketplace, Threshold
from worldpool.domain.network import Lane, Mode, Node, NodeKind, TransitTime

__all__ = [
    "CHANNELS",
    "LANES",
    "MARKETPLACES",
    "NODES",
    "Located",
    "Table",
]

T = TypeVar("T", Marketplace, Channel, Node, Lane)


@dataclass(frozen=True, slots=True)
class Located(Generic[T]):
    """A parsed record and the row it came from (for later error messages)."""

    item: T
    """The domain record."""
    row: Row
    """The source row: file, row number and raw cells."""

    @property
    def id(self) -> str:
        """The record's id."""
        return self.item.id

    @property
    def effective_date(self) -> date:
        """The date from which the record applies."""
        return self.item.effective_date


@dataclass(frozen=True, slots=True)
class Table(Generic[T]):
    """How to read one catalog file."""

    name: str
    """File name, e.g. ``lanes.csv``."""
    columns: tuple[str, ...]
    """Columns the file must have."""
    parse: Callable[[Row], T]
    """Row parser; raises CatalogError naming the bad field."""


def _threshold(row: Row, prefix: str) -> Threshold:
    return Threshold(
        value=row.decimal(f"{prefix}_value"),
        currency=row.currency(f"{prefix}_currency"),
        basis=row.text(f"{prefix}_basis"),
    )


def parse_marketplace(row: Row) -> Marketplace:
    """Return the Marketplace of a ``marketplaces.csv`` row (vat_rate in [0, 1))."""
    vat_rate = row.decimal("vat_rate")
    if vat_rate >= 1:
        row.fail("vat_rate", "must be a fraction below 1 (0.20 means 20 %)")
    return Marketplace(
        id=row.text("id"),
        name=row.text("name"),
        country=row.country("country"),
        currency=row.currency("currency"),
        customs_zone=row.text("customs_zone"),
        vat_rate=vat_rate,
        duty_de_minimis=_threshold(row, "duty_dm"),
        tax_de_minimis=_threshold(row, "tax_dm"),
        tax_scheme=row.text("tax_scheme"),
        source=row.text("source"),
        effective_date=row.day("effective_date"),
        notes=row.text("notes", required=False),
    )


def parse_channel(row: Row) -> Channel:
    """Return the Channel of a ``channels.csv`` row."""
    return Channel(
        id=row.text("id"),
        name=row.text("name"),
        source=row.text("source"),
        effective_date=row.day("effective_date"),
    )


def _markets(row: Row, kind: NodeKind) -> tuple[str, ...]:
    markets = tuple(m.strip() for m in row.text("markets", required=False).split(";"))
    markets = tuple(m for m in markets if m)
    if len(set(markets)) != len(markets):
        row.fail("markets", "lists a marketplace twice")
    if kind is NodeKind.HUB and markets:
        row.fail("markets", "a hub serves no marketplace locally; leave it empty")
    if kind is NodeKind.FC and not markets:
        row.fail("markets", "an FC must serve at least one marketplace")
    return markets


def _delivery(row: Row) -> dict[str, float]:
    # Optional columns: an empty or absent cell keeps the record's default.
    days = {
        field: row.days(field)
        for field in ("delivery_p50_days", "delivery_p90_days")
        if row.text(field, required=False)
    }
    p50, p90 = days.get("delivery_p50_days"), days.get("delivery_p90_days")
    if (p50 is None) != (p90 is None):
        row.fail("delivery_p90_days", "give both delivery P50 and P90, or neither")
    if p50 is not None and p90 is not None and p90 < p50:
        row.fail("delivery_p90_days", f"P90 must be >= P50 ({p50:g} days)")
    return days


def parse_node(row: Row) -> Node:
    """Return the Node of a ``nodes.csv`` row (hubs serve no market, FCs some).

    The optional ``delivery_p50_days`` / ``delivery_p90_days`` columns give the
    FC-to-shopper delivery time in days; empty keeps the record default.
    """
    kind = row.choice("kind", NodeKind)
    return Node(
        id=row.text("id"),
        name=row.text("name"),
        kind=kind,
        country=row.country("country"),
        markets=_markets(row, kind),
        storage_cost_m3_day=row.decimal("storage_cost_m3_day"),
        currency=row.currency("currency"),
        capacity_m3=row.decimal("capacity_m3", positive=True),
        source=row.text("source"),
        effective_date=row.day("effective_date"),
        **_delivery(row),
    )


def _transit(row: Row) -> TransitTime:
    p50, p90 = row.days("p50_days"), row.days("p90_days")
    if p90 < p50:
        row.fail("p90_days", f"P90 must be >= P50 ({p50:g} days)")
    return TransitTime(p50_days=p50, p90_days=p90)


def parse_lane(row: Row) -> Lane:
    """Return the Lane of a ``lanes.csv`` row (P90 >= P50 > 0, costs >= 0)."""
    return Lane(
        id=row.text("id"),
        origin=row.text("origin"),
        destination=row.text("destination"),
        mode=row.choice("mode", Mode),
        transit=_transit(row),
        cost_per_kg=row.decimal("cost_per_kg"),
        cost_per_m3=row.decimal("cost_per_m3"),
        cost_per_parcel=row.decimal("cost_per_parcel"),
        dim_divisor=row.integer("dim_divisor"),
        currency=row.currency("currency"),
        source=row.text("source"),
        effective_date=row.day("effective_date"),
    )


MARKETPLACES = Table(
    "marketplaces.csv",
    (
        "id", "name", "country", "currency", "customs_zone", "vat_rate",
        "duty_dm_value", "duty_dm_currency", "duty_dm_basis",
        "tax_dm_value", "tax_dm_currency", "tax_dm_basis",
        "tax_scheme", "notes", "source", "effective_date",
    ),
    parse_marketplace,
)  # fmt: skip
CHANNELS = Table(
    "channels.csv", ("id", "name", "source", "effective_date"), parse_channel
)
NODES = Table(
    "nodes.csv",
    (
        "id", "name", "kind", "country", "markets", "storage_cost_m3_day",
        "currency", "capacity_m3", "source", "effective_date",
    ),
    parse_node,
)  # fmt: skip
LANES = Table(
    "lanes.csv",
    (
        "id", "origin", "destination", "mode", "p50_days", "p90_days",
        "cost_per_kg", "cost_per_m3", "cost_per_parcel", "dim_divisor",
        "currency", "source", "effective_date",
    ),
    parse_lane,
)  # fmt: skip
