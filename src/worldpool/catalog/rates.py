"""One dated, sourced rate table: storage, freight, shipment fixed costs, handling.

The packaged ``catalog/data/rates.csv`` holds the cost facts the digital twin
(and, through this loader, the profit engine and logistics) price a network
with: storage per m³ per month by node kind with its peak months, default
sea/air/parcel rates (``lanes.csv`` keeps the per-lane figures, which win), a
fixed cost per shipment by mode (so shipment cadence matters) and handling
per unit. Every row names its ``source`` and ``effective_date``; a row
applies from its date until a later row with the same ``id``. A user file
given to :func:`load_rates` (or ``WORLDPOOL_RATES_FILE``) is read on top:
its rows replace packaged rows with the same ``id``.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from worldpool.catalog.as_of import in_effect
from worldpool.errors import InputError

__all__ = ["RATES_ENV", "Rate", "RateTable", "load_rates", "read_rates"]

RATES_ENV = "WORLDPOOL_RATES_FILE"
"""Environment variable naming a user rate file read on top of the packaged one."""

_PACKAGED = Path(__file__).parent / "data" / "rates.csv"
_KINDS = ("storage", "freight", "shipment", "handling")
_DAYS_PER_MONTH = 365.0 / 12.0


@dataclass(frozen=True, slots=True)
class Rate:
    """One row of the rate table."""

    id: str
    """Row id; a later row with the same id replaces it from its date."""
    kind: str
    """``storage``, ``freight``, ``shipment`` or ``handling``."""
    node_kind: str
    """``fc`` or ``hub`` for storage and handling; empty otherwise."""
    mode: str
    """``sea``, ``air`` or ``parcel`` for freight and shipment; empty otherwise."""
    market: str
    """Marketplace id the rate applies to, ``*`` for every market."""
    months: frozenset[int]
    """Calendar months (1..12) the rate applies in (all twelve for ``*``)."""
    basis: str
    """Unit of ``rate``: ``m3_month``, ``m3``, ``kg``, ``parcel``, ``shipment``
    or ``unit``."""
    rate: float
    """Amount per ``basis``, in ``currency``."""
    currency: str
    """ISO 4217 code of ``rate``."""
    source: str
    """Where the figure comes from."""
    effective_date: date
    """First day the rate applies."""


def _months(text: str, where: str) -> frozenset[int]:
    if text.strip() in ("", "*"):
        return frozenset(range(1, 13))
    try:
        months = frozenset(int(x) for x in text.split(";"))
    except ValueError as exc:
        raise InputError(f"{where}: months {text!r} is not a ;-list of 1..12") from exc
    if not months or not months <= set(range(1, 13)):
        raise InputError(f"{where}: months {text!r} must lie in 1..12")
    return months


def _row(raw: dict[str, str], where: str) -> Rate:
    try:
        rate = float(raw["rate"])
        effective = date.fromisoformat(raw["effective_date"])
    except (KeyError, ValueError) as exc:
        raise InputError(f"{where}: bad rate or effective_date ({exc})") from exc
    kind = raw.get("kind", "")
    if kind not in _KINDS:
        raise InputError(f"{where}: kind {kind!r} is not one of {_KINDS}")
    if rate < 0:
        raise InputError(f"{where}: rate {rate} < 0")
    if not raw.get("source", "").strip():
        raise InputError(f"{where}: source is empty")
    return Rate(
        id=raw.get("id", "").strip() or where,
        kind=kind,
        node_kind=raw.get("node_kind", "").strip(),
        mode=raw.get("mode", "").strip(),
        market=raw.get("market", "").strip() or "*",
        months=_months(raw.get("months", "*"), where),
        basis=raw.get("basis", "").strip(),
        rate=rate,
        currency=raw.get("currency", "USD").strip() or "USD",
        source=raw["source"].strip(),
        effective_date=effective,
    )


def read_rates(path: Path) -> list[Rate]:
    """Read a rate CSV (columns as ``catalog/data/rates.csv``).

    Raises:
        InputError: naming the file, line and field of a bad row.
    """
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            _row(raw, f"{path.name} line {i}")
            for i, raw in enumerate(csv.DictReader(fh), start=2)
        ]


@dataclass(frozen=True, slots=True)
class RateTable:
    """The rates in force on one day; lookups prefer a market's own row over ``*``."""

    rates: tuple[Rate, ...]
    """Rows in force (one per id)."""

    def _pick(self, kind: str, market: str, month: int, **match: str) -> Rate | None:
        best: Rate | None = None
        for r in self.rates:
            if r.kind != kind or month not in r.months:
                continue
            if any(getattr(r, k) != v for k, v in match.items()):
                continue
            if r.market == market:
                return r
            if r.market == "*" and best is None:
                best = r
        return best

    def _get(self, kind: str, market: str, month: int, **match: str) -> Rate:
        rate = self._pick(kind, market, month, **match)
        if rate is None:
            raise InputError(f"rates: no {kind} rate for {match} in {market}, {month}")
        return rate

    def row(self, kind: str, market: str = "*", month: int = 1, **match: str) -> Rate:
        """Return the row of ``kind`` in force (a market's own row before ``*``).

        Raises:
            InputError: no row matches.
        """
        return self._get(kind, market, month, **match)

    def storage_m3_day(self, node_kind: str, month: int, market: str = "*") -> float:
        """Return storage per m³ per day at a node kind in a month (currency)."""
        r = self._get("storage", market, month, node_kind=node_kind)
        return r.rate / _DAYS_PER_MONTH

    def peak_factor(self, node_kind: str, month: int, market: str = "*") -> float:
        """Return the month's storage rate over the year's lowest (>= 1)."""
        low = min(self.storage_m3_day(node_kind, m, market) for m in range(1, 13))
        rate = self.storage_m3_day(node_kind, month, market)
        return rate / low if low > 0 else 1.0

    def shipment_fixed(self, mode: str, market: str = "*") -> float:
        """Return the fixed cost of one shipment (or parcel) by mode, in currency."""
        return self._get("shipment", market, 1, mode=mode).rate

    def handling_unit(self, node_kind: str, market: str = "*") -> float:
        """Return handling per unit at a node kind (``fc``/``hub``), in currency."""
        return self._get("handling", market, 1, node_kind=node_kind).rate

    def freight(self, mode: str, market: str = "*") -> Rate:
        """Return the default freight rate of a mode (see ``Rate.basis``)."""
        return self._get("freight", market, 1, mode=mode)


def load_rates(
    path: Path | None = None, as_of: date | None = None, rows: Iterable[Rate] = ()
) -> RateTable:
    """Return the rate table in force on ``as_of`` (default: every row's latest).

    Args:
        path: A user rate file read on top of the packaged one (rows with the
            same id replace packaged rows); defaults to ``WORLDPOOL_RATES_FILE``.
        as_of: Day the rates must be in force on; None takes the latest row per id.
        rows: Extra rows on top of both files (tests, callers' overrides).
    """
    every = read_rates(_PACKAGED)
    user = path or (Path(os.environ[RATES_ENV]) if os.environ.get(RATES_ENV) else None)
    if user is not None:
        every += read_rates(user)
    every += list(rows)
    day = as_of or max(r.effective_date for r in every)
    chosen = in_effect(sorted(every, key=lambda r: r.effective_date), day)
    return RateTable(tuple(chosen.values()))
