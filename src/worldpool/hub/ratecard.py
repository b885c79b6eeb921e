"""Rate cards of the 3PL hub: what each seller pays for storage, handling and services.

A rate card is a CSV file with one row per (seller, service, tier, season) and
the usual ``source`` and ``effective_date`` columns. Seller ``*`` is the
operator's public tariff; a seller with rows of its own for a service uses only
those rows for that service (a negotiated card). The row in force on a day is
the one with the latest ``effective_date`` on or before it. Money is Decimal.

Services (``service`` / ``unit``):

- ``storage`` / ``m3_day`` or ``m3_month``: end-of-day stock volume in m³,
  tiered by that day's volume (``tier_from`` <= volume < ``tier_to``) and by
  season (``months``: ``*``, ``10-12`` or ``1,2,3``); a monthly rate is charged
  per day as rate / days in the month.
- ``inbound_carton`` / ``carton``: cartons received; a receipt line of q units
  is ceil(q / ``per_units``) cartons. ``inbound_unit`` / ``unit``: units received.
- ``pick_order``, ``pack_order`` / ``order``: orders shipped; ``pick_unit`` /
  ``unit``: units shipped.
- ``ffo_parcel`` / ``cost_plus``: fulfil-from-origin parcels at the recorded
  carrier cost times (1 + rate).
- ``vas_*`` / ``task``: value-added services recorded by the operator.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from worldpool.errors import CatalogError

__all__ = [
    "ALL_SELLERS",
    "PACKAGED",
    "RateCard",
    "RateRow",
    "load_rate_card",
    "parse_rate_rows",
]

ALL_SELLERS = "*"
"""The seller value of the operator's public tariff rows."""

PACKAGED = "rate_cards.csv"
"""The packaged default rate card (``worldpool/hub/data``)."""

_UNITS = {
    "storage": ("m3_day", "m3_month"),
    "inbound_carton": ("carton",),
    "inbound_unit": ("unit",),
    "pick_order": ("order",),
    "pick_unit": ("unit",),
    "pack_order": ("order",),
    "ffo_parcel": ("cost_plus",),
}
_COLUMNS = (
    "seller",
    "service",
    "unit",
    "tier_from",
    "tier_to",
    "months",
    "per_units",
    "rate",
    "currency",
    "source",
    "effective_date",
)


@dataclass(frozen=True, slots=True)
class RateRow:
    """One priced row of a rate card."""

    seller: str
    """Seller id, or ``*`` for the public tariff."""
    service: str
    """Service code (see the module docstring)."""
    unit: str
    """What one unit of basis is (``m3_day``, ``carton``, ``order`` ...)."""
    tier_from: Decimal
    """Lower bound of the tier (inclusive), in the basis's unit (m³ for storage)."""
    tier_to: Decimal | None
    """Upper bound (exclusive); None for no bound."""
    months: frozenset[int]
    """Calendar months the row applies in."""
    per_units: int
    """Units per carton (``inbound_carton``); 1 elsewhere."""
    rate: Decimal
    """Price per unit of basis in ``currency`` (a fraction for ``cost_plus``)."""
    currency: str
    """ISO 4217 currency of ``rate``."""
    source: str
    """Where the figure comes from."""
    effective_date: date
    """First day the row is in force."""

    def applies(self, day: date, basis: Decimal) -> bool:
        """True when the row prices ``basis`` (tier) on ``day`` (season, in force)."""
        return (
            self.effective_date <= day
            and day.month in self.months
            and self.tier_from <= basis
            and (self.tier_to is None or basis < self.tier_to)
        )


@dataclass(frozen=True, slots=True)
class RateCard:
    """Every rate row in force for every seller (public tariff plus negotiated rows)."""

    rows: tuple[RateRow, ...]
    """All rows, in file order."""

    def for_seller(self, seller: str) -> RateCard:
        """Return the card ``seller`` pays: its own rows per service, else tariff."""
        own = {r.service for r in self.rows if r.seller == seller}
        return RateCard(
            tuple(
                r
                for r in self.rows
                if r.seller == seller
                or (r.seller == ALL_SELLERS and r.service not in own)
            )
        )

    def services(self) -> tuple[str, ...]:
        """Return the service codes on the card, sorted."""
        return tuple(sorted({r.service for r in self.rows}))

    def row(
        self, service: str, day: date, basis: Decimal = Decimal(0)
    ) -> RateRow | None:
        """Return the row pricing ``basis`` of ``service`` on ``day`` (latest)."""
        rows = [r for r in self.rows if r.service == service and r.applies(day, basis)]
        return max(rows, key=lambda r: r.effective_date, default=None)

    def per_units(self, service: str, day: date) -> int:
        """Return the units per carton of ``service`` on ``day`` (1 when unpriced)."""
        row = self.row(service, day)
        return row.per_units if row is not None else 1


def load_rate_card(extra: Iterable[Path] = ()) -> RateCard:
    """Return the packaged rate card plus the rows of ``extra`` files, in order.

    Raises:
        CatalogError: a file names its row and field when malformed.
    """
    packaged = resources.files("worldpool.hub").joinpath("data", PACKAGED)
    rows = list(parse_rate_rows(packaged.read_text(encoding="utf-8"), PACKAGED))
    for path in extra:
        rows += parse_rate_rows(path.read_text(encoding="utf-8"), path.name)
    return RateCard(tuple(rows))


def parse_rate_rows(text: str, source: str) -> list[RateRow]:
    """Parse rate-card CSV ``text``; ``source`` names the file in errors.

    Raises:
        CatalogError: a missing column, or a row whose field is malformed.
    """
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in _COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise CatalogError("missing columns", record=source, field=",".join(missing))
    return [_row(raw, source, n) for n, raw in enumerate(reader, start=1)]


def _row(raw: dict[str, str], source: str, n: int) -> RateRow:
    service, unit = raw["service"].strip(), raw["unit"].strip()
    allowed = _UNITS.get(service, ("task",) if service.startswith("vas_") else ())
    if unit not in allowed:
        raise CatalogError(
            f"unit must be one of {allowed or 'a known service'}",
            record=source,
            row=n,
            field="unit",
            value=unit,
        )
    per = int(_decimal(raw, "per_units", source, n))
    if per < 1:
        raise CatalogError(
            "must be at least 1", record=source, row=n, field="per_units"
        )
    to = raw["tier_to"].strip()
    return RateRow(
        seller=raw["seller"].strip() or ALL_SELLERS,
        service=service,
        unit=unit,
        tier_from=_decimal(raw, "tier_from", source, n),
        tier_to=_decimal(raw, "tier_to", source, n) if to else None,
        months=_months(raw["months"], source, n),
        per_units=per,
        rate=_decimal(raw, "rate", source, n),
        currency=raw["currency"].strip().upper(),
        source=raw["source"].strip(),
        effective_date=_date(raw["effective_date"], source, n),
    )


def _decimal(raw: dict[str, str], name: str, source: str, n: int) -> Decimal:
    text = raw[name].strip() or "0"
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CatalogError(
            "not a number", record=source, row=n, field=name, value=text
        ) from None
    if value < 0 or not value.is_finite():
        raise CatalogError("must be >= 0", record=source, row=n, field=name, value=text)
    return value


def _months(text: str, source: str, n: int) -> frozenset[int]:
    text = text.strip()
    if text in ("", "*"):
        return frozenset(range(1, 13))
    out: set[int] = set()
    try:
        for part in text.split(","):
            lo, _, hi = part.partition("-")
            out.update(range(int(lo), int(hi or lo) + 1))
    except ValueError:
        raise CatalogError(
            "months: '*', '10-12' or '1,2,3'",
            record=source,
            row=n,
            field="months",
            value=text,
        ) from None
    if not out or not out <= set(range(1, 13)):
        raise CatalogError(
            "months must be 1-12", record=source, row=n, field="months", value=text
        )
    return frozenset(out)


def _date(text: str, source: str, n: int) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CatalogError(
            "not an ISO date", record=source, row=n, field="effective_date", value=text
        ) from None
