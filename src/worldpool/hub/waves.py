"""Outbound waves: orders grouped by carrier cut-off, picks allocated to bins.

Each carrier collects from the hub at a daily cut-off (data:
``data/cutoffs.csv`` with ``source`` and ``effective_date``). A wave holds the
open orders of one carrier for its next cut-off; its pick list takes each
order line from the seller's bins in walking order (:func:`pick_path`), and
what no bin holds is picked from the receiving area (bin ``STAGING``).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources

from worldpool.errors import CatalogError, UnknownReference
from worldpool.hub.bins import Bin, pick_path

__all__ = ["STAGING", "Pick", "Wave", "build_waves", "load_cutoffs", "next_cutoff"]

STAGING = "STAGING"
"""Pseudo-bin for units on hand that are not yet put away."""


@dataclass(frozen=True, slots=True)
class Pick:
    """One pick: units of a SKU for an order, from a bin."""

    order: str
    """Order reference (``channel:channel_order_id``)."""
    sku: str
    """SKU id."""
    bin: str
    """Bin to pick from (``STAGING`` when no bin holds it)."""
    units: int
    """Units."""


@dataclass(frozen=True, slots=True)
class Wave:
    """The orders of one carrier for one cut-off, with a location-sorted pick list."""

    carrier: str
    """Carrier id."""
    cutoff: datetime
    """When the carrier collects (UTC)."""
    orders: tuple[str, ...]
    """Order references, sorted."""
    picks: tuple[Pick, ...]
    """Picks in walking order (staging last)."""


def load_cutoffs(node: str, as_of: date | None = None) -> dict[str, time]:
    """Return each carrier's daily cut-off at ``node`` (rows in force on ``as_of``).

    Raises:
        CatalogError: a malformed row.
    """
    text = resources.files("worldpool.hub").joinpath("data", "cutoffs.csv")
    day = as_of or date.today()
    best: dict[str, tuple[date, time]] = {}
    for n, row in enumerate(csv.DictReader(text.read_text("utf-8").splitlines()), 1):
        try:
            eff, cut = (
                date.fromisoformat(row["effective_date"]),
                time.fromisoformat(row["cutoff"]),
            )
        except (KeyError, ValueError):
            raise CatalogError("bad row", record="cutoffs.csv", row=n) from None
        carrier = row["carrier"]
        if (
            row["node"] == node
            and eff <= day
            and (carrier not in best or best[carrier][0] <= eff)
        ):
            best[carrier] = (eff, cut)
    return {c: t for c, (_, t) in best.items()}


def next_cutoff(cut: time, now: datetime) -> datetime:
    """Return the next cut-off at or after ``now`` (today's, else tomorrow's)."""
    today = datetime.combine(now.date(), cut, tzinfo=now.tzinfo)
    return today if today >= now else today + timedelta(days=1)


def build_waves(
    lines: Iterable[tuple[str, str, int]],
    carriers: Mapping[str, str],
    cutoffs: Mapping[str, time],
    stock: Mapping[str, list[tuple[Bin, int]]],
    now: datetime,
) -> list[Wave]:
    """Group open order lines into waves by carrier cut-off and allocate picks.

    Args:
        lines: Open order lines at the node: (order reference, SKU, units).
        carriers: Carrier of each order reference.
        cutoffs: Daily cut-off per carrier.
        stock: Bins holding each SKU with their units (the seller's).
        now: Planning time (UTC).

    Raises:
        UnknownReference: an order's carrier has no cut-off at the node.
    """
    by_carrier: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for order, sku, units in sorted(lines):
        carrier = carriers.get(order, "")
        if carrier not in cutoffs:
            raise UnknownReference(
                "no cut-off for this carrier",
                record=f"order {order}",
                field="carrier",
                value=carrier,
            )
        by_carrier[carrier].append((order, sku, units))
    left = {sku: list(bins) for sku, bins in stock.items()}
    waves = []
    for carrier in sorted(by_carrier, key=lambda c: (next_cutoff(cutoffs[c], now), c)):
        picks = [p for line in by_carrier[carrier] for p in _allocate(line, left)]
        waves.append(
            Wave(
                carrier,
                next_cutoff(cutoffs[carrier], now),
                tuple(sorted({o for o, _, _ in by_carrier[carrier]})),
                _walk(picks, stock),
            )
        )
    return waves


def _allocate(
    line: tuple[str, str, int], left: dict[str, list[tuple[Bin, int]]]
) -> list[Pick]:
    """Take ``line`` from the SKU's bins in order; ``left`` keeps what remains."""
    order, sku, units = line
    out, rest = [], []
    for b, have in left.get(sku, []):
        take = min(units, have)
        if take > 0:
            out.append(Pick(order, sku, b.bin, take))
            units -= take
        rest.append((b, have - take))
    left[sku] = rest
    if units:
        out.append(Pick(order, sku, STAGING, units))
    return out


def _walk(
    picks: list[Pick], stock: Mapping[str, list[tuple[Bin, int]]]
) -> tuple[Pick, ...]:
    where = {b.bin: b for bins in stock.values() for b, _ in bins}
    binned = [p for p in picks if p.bin != STAGING]
    ordered = pick_path([(where[p.bin], p.sku, p.units) for p in binned])
    rank: dict[tuple[str, str], int] = {}
    for i, (b, sku, _) in enumerate(ordered):
        rank.setdefault((b.bin, sku), i)
    binned.sort(key=lambda p: (rank[(p.bin, p.sku)], p.order))
    return tuple(binned + [p for p in picks if p.bin == STAGING])
