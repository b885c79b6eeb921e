"""Field access helpers shared by the channel adapters (errors name the field)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from worldpool.errors import InputError

__all__ = ["ALPHA3", "as_list", "dig", "money", "parse_time", "qty", "text"]

ALPHA3 = {
    "USA": "US",
    "CAN": "CA",
    "MEX": "MX",
    "GBR": "GB",
    "DEU": "DE",
    "FRA": "FR",
    "ITA": "IT",
    "ESP": "ES",
    "CHL": "CL",
    "JPN": "JP",
    "AUS": "AU",
}
"""ISO 3166-1 alpha-3 codes some channels send (Walmart ``USA``), to alpha-2."""


def dig(data: object, path: str, record: str, *, required: bool = True) -> Any:
    """Return ``data[a][b]...`` for ``path = "a.b..."``.

    Raises:
        InputError: when a required step is missing, naming the dotted path.
    """
    node: Any = data
    for step in path.split("."):
        if not isinstance(node, Mapping) or node.get(step) in (None, ""):
            if required:
                raise InputError("is required", record=record, field=path)
            return None
        node = node[step]
    return node


def text(data: object, path: str, record: str, *, required: bool = True) -> str:
    """Return the string at ``path`` (empty when optional and missing)."""
    value = dig(data, path, record, required=required)
    return "" if value is None else str(value).strip()


def as_list(data: object, path: str, record: str) -> list[Any]:
    """Return the non-empty list at ``path``."""
    value = dig(data, path, record)
    if not isinstance(value, list) or not value:
        raise InputError("must be a non-empty list", record=record, field=path)
    return value


def money(value: object, record: str, path: str) -> Decimal:
    """Return ``value`` as a Decimal amount (strings or numbers)."""
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InputError(
            "is not an amount", record=record, field=path, value=value
        ) from None


def qty(value: object, record: str, path: str) -> int:
    """Return ``value`` as a whole number of units."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value():
        raise InputError(
            "is not a whole number of units", record=record, field=path, value=value
        )
    return int(number)


def parse_time(value: object) -> datetime | None:
    """Parse ISO 8601 text, epoch seconds or epoch milliseconds to a UTC datetime."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float) or str(value).isdigit():
        seconds = float(value)  # type: ignore[arg-type]
        if seconds > 1e11:
            seconds /= 1000
        return datetime.fromtimestamp(seconds, UTC)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
