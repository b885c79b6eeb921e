"""Exchange rates as an explicit input table, each rate with its source and date."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from worldpool.domain.money import Money, is_currency_code
from worldpool.errors import InputError

__all__ = ["FxRate", "FxTable", "load_fx", "read_fx"]


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
    """Rates by (base, quote); the inverse of a rate is used when only it is given."""

    rates: Mapping[tuple[str, str], FxRate]
    """Rates keyed by (base, quote)."""

    @classmethod
    def of(cls, rates: Iterable[FxRate]) -> FxTable:
        """Return a table of ``rates`` (a later rate for a pair wins).

        Args:
            rates: The rates.
        """
        return cls({(r.base, r.quote): r for r in rates})

    def rate(self, base: str, quote: str) -> FxRate | None:
        """Return the rate converting ``base`` into ``quote``, or None when unknown.

        Args:
            base: ISO 4217 code converted from.
            quote: ISO 4217 code converted to.
        """
        if base == quote:
            return FxRate(base, quote, Decimal(1), "identity", date.min)
        direct = self.rates.get((base, quote))
        if direct is not None:
            return direct
        inverse = self.rates.get((quote, base))
        if inverse is None or inverse.rate == 0:
            return None
        return FxRate(base, quote, 1 / inverse.rate, inverse.source, inverse.date)

    def convert(self, money: Money, quote: str) -> Money | None:
        """Return ``money`` in ``quote``, or None when no rate is known.

        Args:
            money: The amount to convert.
            quote: ISO 4217 code to convert into.
        """
        fx = self.rate(money.currency, quote)
        return None if fx is None else Money(money.amount * fx.rate, quote)


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
        override: The user's rates CSV (``base,quote,rate,source,date``); its
            rates replace packaged rates for the same pair.

    Raises:
        InputError: naming the file, row and field of a bad rate.
    """
    packaged = read_fx(_PACKAGED_FX)
    if override is None:
        return packaged
    mine = read_fx(override)
    return FxTable({**packaged.rates, **mine.rates})
