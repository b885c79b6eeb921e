"""Read catalog CSV text into located rows and parse their cells with context.

Every parse failure raises :class:`~worldpool.errors.CatalogError` naming the
file, the 1-based data row (the header is row 0), the column and the value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import NoReturn, TypeVar

from worldpool.domain.ids import normalise_country
from worldpool.domain.money import is_currency_code
from worldpool.errors import CatalogError

__all__ = ["Row", "read_rows"]

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of a catalog file, with where it came from."""

    record: str
    """The file the row was read from (path or packaged resource name)."""
    number: int
    """1-based data row number (the header is row 0)."""
    values: Mapping[str, str]
    """Cell text by column name, stripped of surrounding whitespace."""

    def fail(self, field: str, message: str) -> NoReturn:
        """Raise a CatalogError for ``field`` of this row.

        Args:
            field: The column that is wrong.
            message: What is wrong, in one sentence.

        Raises:
            CatalogError: always.
        """
        raise CatalogError(
            message,
            record=self.record,
            row=self.number,
            field=field,
            value=self.values.get(field),
        )

    def text(self, field: str, *, required: bool = True) -> str:
        """Return the stripped text of ``field``; empty is refused when required."""
        value = self.values.get(field, "")
        if required and not value:
            self.fail(field, "a value is required")
        return value

    def decimal(self, field: str, *, positive: bool = False) -> Decimal:
        """Return ``field`` as a finite Decimal >= 0 (> 0 when ``positive``)."""
        text = self.text(field)
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.fail(field, "not a number")
        if not value.is_finite() or value < 0 or (positive and value == 0):
            self.fail(
                field, "must be a finite number " + ("> 0" if positive else ">= 0")
            )
        return value

    def integer(self, field: str) -> int:
        """Return ``field`` as an integer >= 0."""
        text = self.text(field)
        if not text.isdigit():
            self.fail(field, "must be a whole number >= 0")
        return int(text)

    def days(self, field: str) -> float:
        """Return ``field`` as a number of days > 0."""
        return float(self.decimal(field, positive=True))

    def day(self, field: str) -> date:
        """Return ``field`` as an ISO 8601 date (YYYY-MM-DD)."""
        text = self.text(field)
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.fail(field, "not an ISO date (YYYY-MM-DD)")

    def currency(self, field: str) -> str:
        """Return ``field`` as an ISO 4217 currency code (three capitals)."""
        text = self.text(field)
        if not is_currency_code(text):
            self.fail(field, "not an ISO 4217 currency code")
        return text

    def country(self, field: str) -> str:
        """Return ``field`` as an ISO 3166-1 alpha-2 code (``UK`` becomes ``GB``)."""
        try:
            return normalise_country(self.text(field))
        except ValueError:
            self.fail(field, "not an ISO 3166-1 alpha-2 country code")

    def choice(self, field: str, enum: type[E]) -> E:
        """Return ``field`` as a member of ``enum`` (by value)."""
        text = self.text(field)
        try:
            return enum(text)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.fail(field, f"must be one of: {allowed}")


def read_rows(text: str, record: str, columns: Sequence[str]) -> tuple[Row, ...]:
    """Parse CSV ``text`` (header row first) into rows, checking the header.

    Args:
        text: The whole file, already decoded.
        record: The file name to put in error messages.
        columns: The columns the file must have (extra columns are ignored).

    Returns:
        The data rows, numbered from 1; blank lines are skipped.

    Raises:
        CatalogError: when a column is missing or a row has too many or too
            few cells.
    """
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    for column in columns:
        if column not in header:
            raise CatalogError("missing column", record=record, row=0, field=column)
    rows = []
    for number, raw in enumerate(reader, start=1):
        if None in raw:
            raise CatalogError(
                "more cells than header columns", record=record, row=number
            )
        missing = [key for key, value in raw.items() if value is None]
        if missing:
            raise CatalogError(
                "fewer cells than header columns",
                record=record,
                row=number,
                field=missing[0],
            )
        rows.append(Row(record, number, {k: v.strip() for k, v in raw.items()}))
    return tuple(rows)
