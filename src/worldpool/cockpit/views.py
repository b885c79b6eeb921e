"""Plain records the cockpit pages show (pure: no database, no web framework)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

__all__ = [
    "FileReport",
    "MarketAtp",
    "NodeValue",
    "Overview",
    "PlanDiff",
    "diff_plans",
    "orders_by_source",
]


@dataclass(frozen=True, slots=True)
class NodeValue:
    """Stock on hand at one node, valued at unit cost."""

    node: str
    """Node id."""
    units: int
    """Units on hand."""
    value: Decimal
    """Value in :attr:`currency` (unit cost x units, converted at today's FX)."""
    currency: str
    """ISO 4217 code of :attr:`value`."""


@dataclass(frozen=True, slots=True)
class MarketAtp:
    """Available-to-promise units of every SKU in one marketplace, by source."""

    market: str
    """Marketplace id."""
    local: int
    """Units available at the marketplace's own FCs."""
    in_transit: int
    """Units on the way to those FCs."""
    origin: int
    """Units at the origin hubs (pooled, shared by every marketplace)."""


@dataclass(frozen=True, slots=True)
class Overview:
    """What the Overview page shows."""

    stock_value: list[NodeValue]
    """Stock value by node."""
    atp: list[MarketAtp]
    """ATP by marketplace."""
    orders_today: dict[tuple[str, str], int]
    """Order lines today by (channel, source: local_fc/zone_fc/origin/backorder)."""
    at_risk: list[dict[str, Any]]
    """FC balances close to a stock-out (lowest available first)."""
    totals_as_of: datetime | None = None
    """When the stock value and ATP totals were read (UTC)."""
    inbox: list[dict[str, Any]] = field(default_factory=list)
    """Decisions waiting for a person (the assistant fills this)."""
    connectors: list[dict[str, Any]] = field(default_factory=list)
    """Connector health rows (the connectors capability fills this)."""


@dataclass(frozen=True, slots=True)
class FileReport:
    """Outcome of one uploaded file (SKUs or an ASN)."""

    accepted: int
    """Rows that went in."""
    duplicates: int
    """Rows already there (a repeated delivery changes nothing)."""
    errors: list[tuple[int, str | None, str]]
    """(row, field, message) of each rejected row (also dead-lettered)."""


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """Transfer lines of a plan against the previous plan."""

    sku: str
    """SKU."""
    fc: str
    """Destination FC."""
    mode: str
    """Transport mode."""
    qty: int
    """Units in this plan."""
    previous: int
    """Units in the previous plan (0 when the line is new)."""


def orders_by_source(
    rows: Iterable[tuple[str, str]],
) -> dict[tuple[str, str], int]:
    """Count order lines by (channel, source) from ``(channel, decision JSON)``."""
    counts: Counter[tuple[str, str]] = Counter()
    for channel, decision in rows:
        data = json.loads(decision) if decision else {}
        for a in data.get("assignments", ()):
            counts[(channel, str(a.get("source") or "backorder"))] += 1
    return dict(sorted(counts.items()))


def diff_plans(
    current: Mapping[str, Any], previous: Mapping[str, Any] | None
) -> list[PlanDiff]:
    """Return each transfer line of ``current`` next to the same line before."""

    def lines(plan: Mapping[str, Any] | None) -> dict[tuple[str, str, str], int]:
        """Units per (sku, fc, mode) of ``plan``'s transfers."""
        out: Counter[tuple[str, str, str]] = Counter()
        for line in (plan or {}).get("transfers", ()):
            out[(line["sku"], line["fc"], line["mode"])] += int(line["qty"])
        return dict(out)

    now, before = lines(current), lines(previous)
    keys = sorted(set(now) | set(before))
    return [PlanDiff(*k, now.get(k, 0), before.get(k, 0)) for k in keys]
