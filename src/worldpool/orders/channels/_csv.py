"""Read a marketplace CSV export into one group of rows per order."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from worldpool.errors import InputError
from worldpool.orders.channels._common import ALPHA3, money, parse_time, qty
from worldpool.orders.order import Address, Order, OrderLine, ServiceLevel

__all__ = ["CsvColumns", "group_rows", "order_from_rows"]

COUNTRY_NAMES = {
    "united states": "US",
    "united kingdom": "GB",
    "germany": "DE",
    "france": "FR",
    "italy": "IT",
    "spain": "ES",
    "canada": "CA",
    "mexico": "MX",
    "australia": "AU",
    "japan": "JP",
    "netherlands": "NL",
    "poland": "PL",
}
"""Country names seen in seller-centre exports, to ISO 3166-1 alpha-2."""

CsvColumns = Mapping[str, str]
"""Normalised field -> the export's column header."""


def group_rows(
    text: object, columns: CsvColumns, channel: str
) -> list[list[dict[str, Any]]]:
    """Return the export's data rows grouped by order id, in file order.

    Each row carries ``_row`` (1-based data row number) and ``_truncated`` (True
    when the row has fewer cells than the header, e.g. a cut-off file).

    Raises:
        InputError: when the text is not CSV or a needed column is missing.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError("empty export", record=f"{channel} export")
    reader = csv.DictReader(io.StringIO(text), restval=None)
    header = set(reader.fieldnames or ())
    missing = [c for c in columns.values() if c not in header]
    if missing:
        raise InputError(
            "missing column(s)", record=f"{channel} export", field=missing[0]
        )
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for number, row in enumerate(reader, start=1):
        cells = dict(row)
        cells["_row"] = number
        cells["_truncated"] = any(v is None for v in row.values())
        groups[str(row.get(columns["order_id"]) or f"row {number}")].append(cells)
    return list(groups.values())


def _country(value: str) -> str:
    v = value.strip()
    return COUNTRY_NAMES.get(v.lower(), ALPHA3.get(v.upper(), v))


def _cell(row: Mapping[str, Any], columns: CsvColumns, name: str, rec: str) -> str:
    value = row.get(columns[name])
    if value is None or not str(value).strip():
        raise InputError(
            "is required", record=rec, row=row["_row"], field=columns[name]
        )
    return str(value).strip()


def order_from_rows(
    rows: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    columns: CsvColumns,
    channel: str,
    cancelled_status: str,
) -> Order:
    """Return the order of one group of rows (one row per SKU or per unit).

    The group may come wrapped as ``{"id": order id, "rows": [...]}`` (as the
    file-exchange connectors deliver it).
    """
    group: Sequence[Mapping[str, Any]] = (
        rows["rows"] if isinstance(rows, Mapping) else rows
    )
    first = group[0]
    rec = f"{channel} order {first.get(columns['order_id'])}"
    for row in group:
        if row["_truncated"]:
            raise InputError("row is truncated", record=rec, row=row["_row"])
    units: dict[str, int] = defaultdict(int)
    prices: dict[str, Decimal] = {}
    currency = _cell(first, columns, "currency", rec)
    for row in group:
        sku = _cell(row, columns, "sku", rec)
        where = columns["qty"]
        units[sku] += qty(_cell(row, columns, "qty", rec), rec, where)
        prices[sku] = money(_cell(row, columns, "price", rec), rec, columns["price"])
        if _cell(row, columns, "currency", rec) != currency:
            raise InputError(
                f"currency differs from the order's first row ({currency})",
                record=rec,
                row=row["_row"],
                field=columns["currency"],
                value=row.get(columns["currency"]),
            )

    def _opt(name: str) -> str:
        return str(first.get(columns[name]) or "").strip()

    return Order(
        channel=channel,
        channel_order_id=_cell(first, columns, "order_id", rec),
        ship_to=Address(
            name=_opt("name"),
            line1=_opt("line1"),
            line2=_opt("line2"),
            city=_opt("city"),
            region=_opt("region"),
            postal_code=_opt("postal_code"),
            country=_country(_opt("country")),
        ),
        currency=currency,
        lines=tuple(
            OrderLine(str(i), sku, units[sku], prices[sku])
            for i, sku in enumerate(sorted(units), start=1)
        ),
        service_level=ServiceLevel.STANDARD,
        placed_at=parse_time(_opt("placed_at")),
        cancelled=_opt("status").lower() == cancelled_status.lower(),
    )
