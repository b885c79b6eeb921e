"""Cycle counts: which bins are due by ABC class, and what a count's variance is.

How often each class is counted is data (``data/count_frequency.csv``, with
``source`` and ``effective_date``): by default A bins every 30 days, B every 90
and C every 180. A bin never counted is due at once.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources

from worldpool.errors import CatalogError
from worldpool.hub.bins import Bin

__all__ = ["CountLine", "due_bins", "load_frequency"]


@dataclass(frozen=True, slots=True)
class CountLine:
    """One line of a count sheet: a SKU in a bin."""

    sheet: str
    """Count sheet id."""
    bin: str
    """Bin id."""
    sku: str
    """SKU id."""
    expected: int | None
    """Units the system expects (None on a blind sheet until it is posted)."""
    counted: int | None
    """Units counted (None until entered)."""
    status: str
    """``open``, ``counted`` or ``posted``."""
    reason: str | None = None
    """Reason given for the posted variance."""

    @property
    def variance(self) -> int | None:
        """Counted minus expected units (None while either is unknown)."""
        if self.counted is None or self.expected is None:
            return None
        return self.counted - self.expected


def load_frequency() -> dict[str, int]:
    """Return the days between counts per ABC class (the row in force today).

    Raises:
        CatalogError: the packaged file is malformed.
    """
    text = resources.files("worldpool.hub").joinpath("data", "count_frequency.csv")
    today = date.today()
    best: dict[str, tuple[date, int]] = {}
    for n, row in enumerate(csv.DictReader(text.read_text("utf-8").splitlines()), 1):
        try:
            eff, days = date.fromisoformat(row["effective_date"]), int(row["days"])
        except (KeyError, ValueError):
            raise CatalogError("bad row", record="count_frequency.csv", row=n) from None
        cls = row["abc"].strip().upper()
        if eff <= today and (cls not in best or best[cls][0] <= eff):
            best[cls] = (eff, days)
    return {k: v for k, (_, v) in best.items()}


def due_bins(
    bins: Iterable[Bin],
    last_counted: Mapping[str, datetime],
    today: date,
    frequency: Mapping[str, int],
) -> list[Bin]:
    """Return the bins due for a count on ``today``, in walking order.

    Args:
        bins: The node's bins.
        last_counted: When each bin was last counted (absent: never).
        today: The day of the count.
        frequency: Days between counts per ABC class.
    """
    out = []
    for b in bins:
        last = last_counted.get(b.bin)
        if last is None or (today - last.date()).days >= frequency.get(b.abc, 180):
            out.append(b)
    return sorted(out, key=lambda b: (b.zone, b.aisle, b.shelf, b.position, b.bin))
