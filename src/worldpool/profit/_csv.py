"""Read the profit data files: packaged rows plus a seller's override files.

Every row must name its ``source`` and the ``effective_date`` it applies from;
a row without them is refused with the file, row and field (rules as data).
A file of the same name in an override folder replaces the packaged rows of
the ids it names and adds new ids.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from worldpool.errors import CatalogError

__all__ = ["Row", "decimal_cell", "read_table", "split_cell"]

Row = Mapping[str, str]
_REQUIRED = ("id", "source", "effective_date")


def split_cell(text: str) -> tuple[str, ...]:
    """Return the ``;``-separated parts of a cell, stripped, empty parts dropped."""
    return tuple(part.strip() for part in text.split(";") if part.strip())


def decimal_cell(file: str, number: int, row: Row, name: str) -> Decimal:
    """Return the cell ``name`` as a Decimal (empty means 0).

    Raises:
        CatalogError: naming the file, row and field when it is not a number.
    """
    text = (row.get(name) or "").strip()
    try:
        value = Decimal(text or "0")
    except InvalidOperation:
        raise CatalogError(
            "must be a number", record=file, row=number, field=name, value=text
        ) from None
    if not value.is_finite():
        raise CatalogError("must be finite", record=file, row=number, field=name)
    return value


def _check(file: str, number: int, row: Row) -> date:
    for name in _REQUIRED:
        if not (row.get(name) or "").strip():
            raise CatalogError(
                "every row needs an id, its source and its effective date",
                record=file,
                row=number,
                field=name,
            )
    text = row["effective_date"].strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CatalogError(
            "must be an ISO date",
            record=file,
            row=number,
            field="effective_date",
            value=text,
        ) from None


def _rows(file: str, text: str) -> list[tuple[int, Row, date]]:
    out: list[tuple[int, Row, date]] = []
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        out.append((number, row, _check(file, number, row)))
    return out


def read_table(
    name: str, overrides: Sequence[Path] = ()
) -> list[tuple[str, int, Row, date]]:
    """Return every row of data file ``name`` with its file, row number and date.

    Args:
        name: File name under ``worldpool/profit/data/`` (``referral_fees.csv``).
        overrides: Folders whose file of the same name replaces the packaged
            rows of the ids it names (later folders win).

    Raises:
        CatalogError: a row lacks its id, source or effective date.
    """
    packaged = resources.files("worldpool.profit").joinpath("data", name)
    rows = [(name, n, r, d) for n, r, d in _rows(name, packaged.read_text("utf-8"))]
    for folder in overrides:
        path = Path(folder) / name
        if not path.is_file():
            continue
        mine = _rows(str(path), path.read_text("utf-8-sig"))
        ids = {r["id"] for _, r, _ in mine}
        rows = [item for item in rows if item[2]["id"] not in ids]
        rows += [(str(path), n, r, d) for n, r, d in mine]
    return rows
