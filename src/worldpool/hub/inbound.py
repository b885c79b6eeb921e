"""Inbound at the hub: dock slots with carton capacity, and receiving against an ASN.

Docks are data (``data/docks.csv``: slot length, cartons per slot, opening
hours, with ``source`` and ``effective_date``). A receipt compares what arrived
with the ASN line by line: over (more than expected), short (less) and damaged
(arrived but not sellable, so not put on hand).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from importlib import resources

from worldpool.errors import CatalogError, InputError

__all__ = ["Dock", "ReceiptLine", "check_slot", "compare_receipt", "load_docks"]


@dataclass(frozen=True, slots=True)
class Dock:
    """A receiving dock of a hub."""

    node: str
    """Hub node."""
    dock: str
    """Dock id."""
    slot_minutes: int
    """Length of one appointment slot, minutes."""
    cartons_per_slot: int
    """Cartons the dock can unload in one slot."""
    opens: time
    """First slot start (local hub time, written as UTC here)."""
    closes: time
    """No slot may end after this."""


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One SKU of an ASN as received."""

    sku: str
    """SKU id."""
    expected: int
    """Units on the ASN (0: not on it)."""
    received: int
    """Units that arrived (damaged included)."""
    damaged: int
    """Units that arrived damaged (not put on hand)."""

    @property
    def over(self) -> int:
        """Units beyond the ASN."""
        return max(0, self.received - self.expected)

    @property
    def short(self) -> int:
        """Units of the ASN that did not arrive."""
        return max(0, self.expected - self.received)

    @property
    def good(self) -> int:
        """Sellable units put on hand."""
        return self.received - self.damaged


def load_docks(as_of: date | None = None) -> list[Dock]:
    """Return the docks in force on ``as_of`` (default today), per node and dock.

    Raises:
        CatalogError: a malformed row (named by row and field).
    """
    text = resources.files("worldpool.hub").joinpath("data", "docks.csv")
    day = as_of or date.today()
    best: dict[tuple[str, str], tuple[date, Dock]] = {}
    for n, row in enumerate(csv.DictReader(text.read_text("utf-8").splitlines()), 1):
        try:
            eff = date.fromisoformat(row["effective_date"])
            dock = Dock(
                row["node"],
                row["dock"],
                int(row["slot_minutes"]),
                int(row["cartons_per_slot"]),
                time.fromisoformat(row["opens"]),
                time.fromisoformat(row["closes"]),
            )
        except (KeyError, ValueError) as exc:
            raise CatalogError(f"bad row: {exc}", record="docks.csv", row=n) from None
        key = (dock.node, dock.dock)
        if eff <= day and (key not in best or best[key][0] <= eff):
            best[key] = (eff, dock)
    return sorted((d for _, d in best.values()), key=lambda d: (d.node, d.dock))


def check_slot(dock: Dock, start: datetime, cartons: int, booked: int) -> None:
    """Raise InputError unless ``cartons`` fit the dock's slot at ``start``.

    Args:
        dock: The dock.
        start: Slot start (UTC).
        cartons: Cartons of the new appointment.
        booked: Cartons already booked in that slot.
    """
    rec = f"dock {dock.dock} slot {start:%Y-%m-%d %H:%M}"
    minutes = start.hour * 60 + start.minute
    first = dock.opens.hour * 60 + dock.opens.minute
    last = dock.closes.hour * 60 + dock.closes.minute - dock.slot_minutes
    if (
        start.second
        or (minutes - first) % dock.slot_minutes
        or not first <= minutes <= last
    ):
        raise InputError(
            f"not a slot start (every {dock.slot_minutes} min, {dock.opens:%H:%M}-"
            f"{dock.closes:%H:%M})",
            record=rec,
            field="slot_start",
        )
    if cartons < 1:
        raise InputError(
            "at least one carton", record=rec, field="cartons", value=cartons
        )
    if booked + cartons > dock.cartons_per_slot:
        raise InputError(
            f"slot full: {booked} of {dock.cartons_per_slot} cartons booked",
            record=rec,
            field="cartons",
            value=cartons,
        )


def compare_receipt(
    expected: Mapping[str, int], arrived: Iterable[tuple[str, int, int]]
) -> list[ReceiptLine]:
    """Compare arrivals (sku, received, damaged) with the ASN's expected units.

    SKUs of the ASN that did not arrive are short lines; SKUs not on the ASN
    are over lines. Lines come sorted by SKU.

    Raises:
        InputError: negative units, or more damaged than received.
    """
    got: dict[str, tuple[int, int]] = {}
    for sku, received, damaged in arrived:
        if received < 0 or damaged < 0 or damaged > received:
            raise InputError(
                "need 0 <= damaged <= received",
                record=f"receipt {sku}",
                field="damaged",
                value=damaged,
            )
        r, d = got.get(sku, (0, 0))
        got[sku] = (r + received, d + damaged)
    skus: Sequence[str] = sorted(set(expected) | set(got))
    return [ReceiptLine(s, expected.get(s, 0), *got.get(s, (0, 0))) for s in skus]
