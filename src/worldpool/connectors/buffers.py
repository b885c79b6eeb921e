"""Stock published to a channel: ATP minus a per-channel buffer (rules as data).

``data/stock_buffers.csv`` (override with a file of the same columns) has one
row per rule: ``channel`` and ``market`` (``*`` = any), ``buffer_units`` and
``buffer_pct`` (the larger of the two is held back), ``min_publish`` (a level
below it is published as 0), ``split_below`` and ``weight`` (at or below
``split_below`` units the pool is divided between the market's channels by
weight, so seven channels cannot sell the last units seven times while their
levels are in flight), ``effective_date`` and ``source``. The most specific
rule in force wins: (channel, market) before (channel, *) before (*, market)
before (*, *).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from worldpool.errors import CatalogError

__all__ = ["BufferRule", "load_buffer_rules", "published_level", "rule_for"]

_COLUMNS = (
    "channel",
    "market",
    "buffer_units",
    "buffer_pct",
    "min_publish",
    "split_below",
    "weight",
    "effective_date",
    "source",
)


@dataclass(frozen=True, slots=True)
class BufferRule:
    """How much of the pool one channel is shown."""

    channel: str
    """Channel id, or ``*``."""
    market: str
    """Marketplace id, or ``*``."""
    buffer_units: int
    """Units held back, at least."""
    buffer_pct: Decimal
    """Share of ATP held back (0.05 = 5 %), rounded up to whole units."""
    min_publish: int
    """Levels below this are published as 0."""
    split_below: int
    """At or below this ATP the pool is SPLIT between the market's channels by
    ``weight`` instead of shown whole to each (0: never split), so the
    channels together can never sell more than the pool holds."""
    weight: Decimal
    """This channel's weight when scarce stock is split."""
    effective_from: date
    """First day the rule applies."""
    source: str
    """Where the rule comes from (``editable default`` for shipped guesses)."""


def _row(raw: dict[str, str], where: str, line: int) -> BufferRule:
    # effective_date, as in every other rules file; files written before
    # 2026-12-06 name the column effective_from.
    if "effective_date" not in raw and "effective_from" in raw:
        raw = {**raw, "effective_date": raw["effective_from"]}
    missing = [c for c in _COLUMNS if not (raw.get(c) or "").strip()]
    if missing:
        raise CatalogError(
            "missing value", record=where, row=line, field=missing[0], value=None
        )
    try:
        return BufferRule(
            channel=raw["channel"].strip(),
            market=raw["market"].strip(),
            buffer_units=int(raw["buffer_units"]),
            buffer_pct=Decimal(raw["buffer_pct"]),
            min_publish=int(raw["min_publish"]),
            split_below=int(raw["split_below"]),
            weight=Decimal(raw["weight"]),
            effective_from=date.fromisoformat(raw["effective_date"].strip()),
            source=raw["source"].strip(),
        )
    except (ValueError, InvalidOperation) as exc:
        raise CatalogError(
            f"not understood: {exc}", record=where, row=line, field="buffer rule"
        ) from None


def load_buffer_rules(path: Path | None = None) -> tuple[BufferRule, ...]:
    """Return the buffer rules of ``path`` (default: the packaged editable defaults).

    Raises:
        CatalogError: a row misses a value or one is not a number/date (names
            file, row and field).
    """
    if path is None:
        text = resources.files(__package__).joinpath("data/stock_buffers.csv")
        body, where = text.read_text(encoding="utf-8"), "stock_buffers.csv"
    else:
        body, where = path.read_text(encoding="utf-8-sig"), str(path)
    reader = csv.DictReader(body.splitlines())
    return tuple(_row(r, where, i) for i, r in enumerate(reader, start=2))


def rule_for(
    rules: tuple[BufferRule, ...], channel: str, market: str, today: date
) -> BufferRule | None:
    """Return the most specific rule in force for (channel, market), or None."""
    best: tuple[int, date, BufferRule] | None = None
    for r in rules:
        if r.effective_from > today:
            continue
        if r.channel not in ("*", channel) or r.market not in ("*", market):
            continue
        rank = (r.channel != "*") * 2 + (r.market != "*")
        if best is None or (rank, r.effective_from) > best[:2]:
            best = (rank, r.effective_from, r)
    return None if best is None else best[2]


def published_level(atp: int, rule: BufferRule | None, share: float = 1.0) -> int:
    """Return the units to show a channel when the pool can promise ``atp``.

    Args:
        atp: Available-to-promise units for the SKU in the channel's market.
        rule: The channel's buffer rule (None: publish ATP as is).
        share: The channel's weight over the sum of the weights of every
            channel selling in the market (used at or below ``split_below``).
    """
    if rule is None:
        return max(0, atp)
    held = max(rule.buffer_units, math.ceil(rule.buffer_pct * atp))
    level = atp - held
    if atp <= rule.split_below:
        level = math.floor(level * share)
    return level if level >= max(1, rule.min_publish) else 0
