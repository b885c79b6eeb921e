"""Exchange rates as an explicit, dated input table, each rate with its source.

One table serves every capability (orders, plan, customs, twin) through
``ctx.fx``: the packaged ``catalog/data/fx_rates.csv`` (editable defaults, each
row sourced and dated), with the user's file (``WORLDPOOL_FX_FILE``) on top.
A rate applies from its date until a later row for the same pair.
"""

from __future__ import annotations

import csv
import functools
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from worldpool.domain.money import Money, is_currency_code
from worldpool.errors import InputError

__all__ = ["FxRate", "FxTable", "load_fx", "packaged_fx", "read_fx"]


@dataclass(frozen=True, slots=True)
class FxRate:
    """One rate: 1 ``base`` = ``rate`` ``quote``."""

    base: str
    """ISO 4217 code converted from."""
    quote: str
    """ISO 4217 code converted to."""
    rate: Decimal
    """Units of ``quote`` per unit of ``base``."""
    source: str
    """Where the rate comes from (e.g. ``ECB reference rate``)."""
    date: date
    """Day the rate was observed."""


@dataclass(frozen=True, slots=True)
class FxTable:
    """Dated rates by (base, quote); the rate in force is the latest on or before a day.

    A pair's inverse is used when only it is given, and a pair with neither is
    crossed through USD (``base -> USD -> quote``), so one dated list of USD
    rates covers every pair.
    """

    rates: Mapping[tuple[str, str], tuple[FxRate, ...]]
    """Rates keyed by (base, quote), each history sorted by date (oldest first)."""

    @classmethod
    def of(cls, rates: Iterable[FxRate]) -> FxTable:
        """Return a table of ``rates`` (a later row for the same pair and day wins).

        Args:
            rates: The rates, in any order.
        """
        by_pair: dict[tuple[str, str], dict[date, FxRate]] = {}
        for r in rates:
            by_pair.setdefault((r.base, r.quote), {})[r.date] = r
        return cls(
            {k: tuple(v[d] for d in sorted(v)) for k, v in sorted(by_pair.items())}
        )

    def overridden_by(self, other: FxTable) -> FxTable:
        """Return this table with every pair ``other`` quotes replaced by its rates.

        A user's file overrides the packaged history of a pair (both directions)
        as a whole, whatever the dates.

        Args:
            other: The overriding table (the user's file).
        """
        mine = {frozenset(k) for k in other.rates}
        kept = {k: v for k, v in self.rates.items() if frozenset(k) not in mine}
        return FxTable({**kept, **other.rates})

    def rate(self, base: str, quote: str, on: date | None = None) -> FxRate | None:
        """Return the rate converting ``base`` into ``quote`` in force ``on``.

        The rate in force is the latest one dated on or before ``on``; when the
        table starts after ``on``, its earliest rate is the best estimate there is
        (its ``date`` tells). None when the pair cannot be priced at all.

        Args:
            base: ISO 4217 code converted from.
            quote: ISO 4217 code converted to.
            on: The day; default the latest rate known.
        """
        if base == quote:
            return FxRate(base, quote, Decimal(1), "identity", date.min)
        found = self._direct(base, quote, on)
        if found is not None or "USD" in (base, quote):
            return found
        leg1, leg2 = self._direct(base, "USD", on), self._direct("USD", quote, on)
        if leg1 is None or leg2 is None:
            return None
        return FxRate(
            base,
            quote,
            leg1.rate * leg2.rate,
            f"crossed via USD: {leg1.source}; {leg2.source}",
            min(leg1.date, leg2.date),
        )

    def _direct(self, base: str, quote: str, on: date | None) -> FxRate | None:
        direct = _in_force(self.rates.get((base, quote), ()), on)
        if direct is not None:
            return direct
        inverse = _in_force(self.rates.get((quote, base), ()), on)
        if inverse is None:
            return None
        return FxRate(base, quote, 1 / inverse.rate, inverse.source, inverse.date)

    def convert(self, money: Money, quote: str, on: date | None = None) -> Money | None:
        """Return ``money`` in ``quote`` at the rate in force ``on``, or None.

        Args:
            money: The amount to convert.
            quote: ISO 4217 code to convert into.
            on: The day; default the latest rate known.
        """
        fx = self.rate(money.currency, quote, on)
        return None if fx is None else Money(money.amount * fx.rate, quote)


def _in_force(history: tuple[FxRate, ...], on: date | None) -> FxRate | None:
    if not history:
        return None
    if on is None:
        return history[-1]
    days = [r.date for r in history]
    i = bisect_right(days, on)
    return history[max(i - 1, 0)]


def read_fx(path: Path) -> FxTable:
    """Read an FX table CSV with columns ``base,quote,rate,source,date``.

    Args:
        path: The CSV file.

    Raises:
        InputError: naming the row and field of a bad rate, code or date.
    """
    rates = []
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=1):
            rates.append(_rate(path.name, number, row))
    return FxTable.of(rates)


def _rate(name: str, number: int, row: Mapping[str, str]) -> FxRate:
    def fail(field: str, message: str) -> InputError:
        """Return the InputError for ``field`` of this row."""
        return InputError(
            message, record=name, row=number, field=field, value=row.get(field)
        )

    base, quote = (row.get("base") or "").upper(), (row.get("quote") or "").upper()
    for field, code in (("base", base), ("quote", quote)):
        if not is_currency_code(code):
            raise fail(field, "must be an ISO 4217 code")
    try:
        rate = Decimal(row.get("rate") or "")
    except InvalidOperation:
        raise fail("rate", "must be a number") from None
    if not rate.is_finite() or rate <= 0:
        raise fail("rate", "must be > 0")
    if not (row.get("source") or "").strip():
        raise fail("source", "every rate needs its source")
    try:
        day = date.fromisoformat(row.get("date") or "")
    except ValueError:
        raise fail("date", "must be an ISO date") from None
    return FxRate(base, quote, rate, row["source"].strip(), day)


_PACKAGED_FX = Path(__file__).with_name("data") / "fx_rates.csv"


def load_fx(override: Path | None = None) -> FxTable:
    """Return the packaged FX table with the rows of ``override`` applied on top.

    Args:
        override: The user's rates CSV (``base,quote,rate,source,date``); the
            pairs it quotes replace the packaged history of those pairs.

    Raises:
        InputError: naming the file, row and field of a bad rate.
    """
    packaged = packaged_fx()
    if override is None:
        return packaged
    return packaged.overridden_by(read_fx(override))


@functools.cache
def packaged_fx() -> FxTable:
    """Return the packaged FX table (read once per process; it is immutable)."""
    return read_fx(_PACKAGED_FX)
