"""Read CSV input row by row, turning each bad row into a located error.

A file with some bad rows keeps the good ones: parsers return both lists and
the caller stores the rejected rows in the dead-letter store.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Generic, TypeVar

from worldpool.errors import InputError
from worldpool.textio import open_text

__all__ = [
    "CONTROL",
    "MAX_AMOUNT",
    "MAX_TEXT",
    "MAX_UNITS",
    "ParseResult",
    "RowError",
    "check_header",
    "collect",
    "decimal_field",
    "int_field",
    "iter_rows",
    "parse_rows",
    "plain_cells",
    "text_field",
]

T = TypeVar("T")
Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class RowError:
    """A rejected row: where it is, which field is wrong, and why."""

    row: int
    """1-based data row (the header is row 0)."""
    field: str | None
    """The wrong field, when one is to blame."""
    message: str
    """Full error message naming file, row and field."""
    raw: Row
    """The row as read."""


@dataclass(frozen=True, slots=True)
class ParseResult(Generic[T]):
    """Records parsed from a file, and the rows that were rejected."""

    source: str
    """File path (or other source name)."""
    records: list[tuple[int, T]] = field(default_factory=list)
    """(row number, record) for every good row."""
    errors: list[RowError] = field(default_factory=list)
    """Every bad row."""


def _read(path: Path) -> Iterator[Row]:
    with open_text(path) as handle:
        reader = csv.DictReader(handle)
        try:
            if reader.fieldnames is None:
                raise InputError("file is empty (no header row)", record=str(path))
            yield from reader
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid {exc.encoding} text after row {reader.line_num - 1}",
                record=str(path),
            ) from None
        except csv.Error as exc:
            raise InputError(
                f"not a CSV file: {exc}", record=str(path), row=reader.line_num
            ) from None


def parse_rows(
    path: str | Path,
    parse: Callable[[Row, str, int], T],
    required: tuple[str, ...],
) -> ParseResult[T]:
    """Parse every row of the CSV at ``path`` with ``parse(row, source, number)``.

    Holds the whole file's records in memory; imports use :func:`iter_rows`.

    Raises:
        InputError: when the file cannot be read or lacks a required column
            (the whole file is refused: no row could be right).
    """
    return collect(path, iter_rows(path, parse, required))


def collect(
    path: str | Path, items: Iterable[tuple[int, T] | RowError]
) -> ParseResult[T]:
    """Gather a streamed parse of ``path`` into records and errors (in memory)."""
    result: ParseResult[T] = ParseResult(source=str(Path(path)))
    for item in items:
        if isinstance(item, RowError):
            result.errors.append(item)
        else:
            result.records.append(item)
    return result


def iter_rows(
    path: str | Path,
    parse: Callable[[Row, str, int], T],
    required: tuple[str, ...],
) -> Iterator[tuple[int, T] | RowError]:
    """Yield ``(row number, record)`` or a :class:`RowError` per data row, in order.

    Reads one row at a time, so memory stays constant whatever the file size.

    Raises:
        InputError: when the file cannot be read or lacks a required column
            (raised before the first row is yielded).
    """
    path = Path(path)
    check_header(path, required)
    return _iter_checked(path, parse)


def check_header(path: Path, required: tuple[str, ...]) -> None:
    """Refuse a missing file or one whose header lacks a ``required`` column."""
    if not path.is_file():
        raise InputError("file not found", record=str(path))
    with open_text(path) as handle:
        try:
            header = next(csv.reader(handle), None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InputError(
                f"cannot read the header: {exc}", record=str(path)
            ) from None
    missing = [c for c in required if c not in (header or [])]
    if missing:
        raise InputError("missing column", record=str(path), row=0, field=missing[0])


def _iter_checked(
    path: Path, parse: Callable[[Row, str, int], T]
) -> Iterator[tuple[int, T] | RowError]:
    for number, row in enumerate(_read(path), start=1):
        if None in row:
            yield RowError(
                number, None, f"{path}, row {number}: too many fields", _clean(row)
            )
            continue
        try:
            yield (number, parse(row, str(path), number))
        except InputError as exc:
            yield RowError(number, exc.field, str(exc), _clean(row))


def _clean(row: Mapping[Any, Any]) -> Row:
    return {str(k): str(v) for k, v in row.items()}


MAX_UNITS = 1_000_000_000
"""Largest quantity one record may carry (units); more is a typo, not stock."""
MAX_AMOUNT = Decimal(10) ** 12
"""Largest absolute money or measure value one field may carry."""
MAX_TEXT = 512
"""Default longest text field (characters)."""
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""Characters no text field may hold (NUL and the other C0 controls, DEL)."""


def plain_cells(row: Row) -> bool:
    """True when every cell is present, within MAX_TEXT and free of CONTROL.

    The fast parsers take only such rows; any other goes to the careful parser,
    which names the record and field of what is wrong.
    """
    values = row.values()
    try:
        joined = "".join(values)
    except TypeError:  # a short row: missing cells are None
        return False
    return not CONTROL.search(joined) and max(map(len, values), default=0) <= MAX_TEXT


def text_field(
    row: Row,
    name: str,
    src: str,
    n: int,
    *,
    required: bool = True,
    max_len: int = MAX_TEXT,
) -> str:
    """Return the stripped text of column ``name``; '' when optional and blank.

    Refuses text longer than ``max_len`` characters and control characters
    (NUL included), which no identifier or title needs.
    """
    value = (row.get(name) or "").strip()
    if required and not value:
        raise InputError("must not be empty", record=src, row=n, field=name)
    if len(value) > max_len:
        raise InputError(
            f"longer than {max_len} characters",
            record=src,
            row=n,
            field=name,
            value=value[:40] + "...",
        )
    if CONTROL.search(value):
        raise InputError(
            "must not contain control characters", record=src, row=n, field=name
        )
    return value


def int_field(row: Row, name: str, src: str, n: int) -> int:
    """Return column ``name`` as an integer (units); refuse fractions and text.

    Values beyond +-:data:`MAX_UNITS` are refused as typos.
    """
    raw = text_field(row, name, src, n)
    try:
        value = int(raw)
    except ValueError:
        raise InputError(
            "must be a whole number", record=src, row=n, field=name, value=raw
        ) from None
    if abs(value) > MAX_UNITS:
        raise InputError(
            f"must be at most {MAX_UNITS:,} in size",
            record=src,
            row=n,
            field=name,
            value=raw[:40],
        )
    return value


def decimal_field(row: Row, name: str, src: str, n: int) -> Decimal:
    """Return column ``name`` as an exact, finite decimal of at most 10^12 in size."""
    raw = text_field(row, name, src, n)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InputError(
            "must be a number", record=src, row=n, field=name, value=raw[:40]
        ) from None
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        raise InputError(
            "must be a finite number of at most 10^12 in size",
            record=src,
            row=n,
            field=name,
            value=raw[:40],
        )
    return value


def positive(value: Decimal | int, name: str, src: str, n: int) -> None:
    """Raise InputError unless ``value`` > 0."""
    if value <= 0:
        raise InputError(
            "must be positive", record=src, row=n, field=name, value=str(value)
        )
