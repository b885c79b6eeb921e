"""Parse a SKU master CSV into :class:`SkuRecord` values, checking units.

Columns: ``sku, title, unit_cost, currency`` are required; weight comes as one
of ``unit_weight_kg`` / ``unit_weight_g`` / ``unit_weight_lb``; volume as
``unit_volume_m3``, ``unit_volume_cm3`` or ``length_cm, width_cm, height_cm``.
Optional: ``gtin, hs_code, battery, category, listed_markets, ffo_markets``
(markets ``;``-separated, ``*`` for all).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from decimal import Decimal
from functools import partial
from pathlib import Path

from worldpool.domain.ids import gtin_is_valid
from worldpool.domain.money import is_currency_code
from worldpool.domain.product import BatteryType, SkuRecord
from worldpool.errors import InputError
from worldpool.ledger.rows import (
    ParseResult,
    Row,
    RowError,
    decimal_field,
    iter_rows,
    parse_rows,
    positive,
    text_field,
)
from worldpool.ledger.sku_fast import MarketCache, fast_sku

__all__ = [
    "MAX_UNIT_VOLUME_M3",
    "MAX_UNIT_WEIGHT_KG",
    "SKU_COLUMNS",
    "iter_sku_file",
    "parse_sku_file",
]

MAX_UNIT_WEIGHT_KG = Decimal(500)
"""Heavier sellable units are almost surely grams typed as kilograms."""
MAX_UNIT_VOLUME_M3 = Decimal(5)
"""Bigger sellable units are almost surely cm³ typed as m³."""

_WEIGHTS = {
    "unit_weight_kg": Decimal(1),
    "unit_weight_g": Decimal("0.001"),
    "unit_weight_lb": Decimal("0.45359237"),
}
SKU_COLUMNS = ("sku", "title", "unit_cost", "currency")
"""Columns every SKU file must have."""
_HS = re.compile(r"^\d{6}(\d{2}){0,2}$")


def parse_sku_file(
    path: str | Path, markets: Collection[str]
) -> ParseResult[SkuRecord]:
    """Parse the SKU CSV at ``path``; ``markets`` are the known marketplace ids."""
    return parse_rows(path, partial(_parse, markets=frozenset(markets)), SKU_COLUMNS)


def iter_sku_file(
    path: str | Path, markets: Collection[str]
) -> Iterator[tuple[int, SkuRecord] | RowError]:
    """Yield each row of the SKU CSV at ``path`` as a record or an error, in order.

    Constant memory whatever the file size (imports stream with it).
    """
    known = frozenset(markets)
    cache = MarketCache(known)

    def parse(row: Row, src: str, n: int) -> SkuRecord:
        """The fast path for a clean row, else the careful parser (names the field)."""
        return fast_sku(row, cache) or _parse(row, src, n, markets=known)

    return iter_rows(path, parse, SKU_COLUMNS)


def _parse(row: Row, src: str, n: int, *, markets: frozenset[str]) -> SkuRecord:
    currency = text_field(row, "currency", src, n).upper()
    if not is_currency_code(currency):
        raise InputError(
            "not an ISO 4217 code", record=src, row=n, field="currency", value=currency
        )
    cost = decimal_field(row, "unit_cost", src, n)
    if cost < 0:
        raise InputError(
            "must not be negative",
            record=src,
            row=n,
            field="unit_cost",
            value=str(cost),
        )
    listed = _markets(row, "listed_markets", src, n, markets)
    return SkuRecord(
        sku=text_field(row, "sku", src, n, max_len=64),
        title=text_field(row, "title", src, n),
        unit_weight_kg=_weight(row, src, n),
        unit_volume_m3=_volume(row, src, n),
        unit_cost=cost,
        currency=currency,
        gtin=_gtin(row, src, n),
        hs_code=_hs(row, src, n),
        battery=_battery(row, src, n),
        category=text_field(row, "category", src, n, required=False, max_len=128)
        or None,
        listed_markets=listed,
        ffo_markets=_markets(row, "ffo_markets", src, n, markets),
    )


def _weight(row: Row, src: str, n: int) -> Decimal:
    for name, factor in _WEIGHTS.items():
        if (row.get(name) or "").strip():
            kg = decimal_field(row, name, src, n) * factor
            positive(kg, name, src, n)
            if kg > MAX_UNIT_WEIGHT_KG:
                raise InputError(
                    f"implausible unit weight {kg} kg "
                    f"(> {MAX_UNIT_WEIGHT_KG}); wrong unit?",
                    record=src,
                    row=n,
                    field=name,
                    value=row[name],
                )
            return kg
    raise InputError(
        "give one of " + ", ".join(_WEIGHTS), record=src, row=n, field="unit_weight_kg"
    )


def _volume(row: Row, src: str, n: int) -> Decimal:
    if (row.get("unit_volume_m3") or "").strip():
        m3 = decimal_field(row, "unit_volume_m3", src, n)
        name = "unit_volume_m3"
    elif (row.get("unit_volume_cm3") or "").strip():
        m3 = decimal_field(row, "unit_volume_cm3", src, n) / Decimal(1_000_000)
        name = "unit_volume_cm3"
    elif all(
        (row.get(c) or "").strip() for c in ("length_cm", "width_cm", "height_cm")
    ):
        dims = [
            decimal_field(row, c, src, n)
            for c in ("length_cm", "width_cm", "height_cm")
        ]
        for c, d in zip(("length_cm", "width_cm", "height_cm"), dims, strict=True):
            positive(d, c, src, n)
        m3 = dims[0] * dims[1] * dims[2] / Decimal(1_000_000)
        name = "length_cm"
    else:
        raise InputError(
            "give unit_volume_m3, unit_volume_cm3 or length_cm/width_cm/height_cm",
            record=src,
            row=n,
            field="unit_volume_m3",
        )
    positive(m3, name, src, n)
    if m3 > MAX_UNIT_VOLUME_M3:
        raise InputError(
            f"implausible unit volume {m3} m³ (> {MAX_UNIT_VOLUME_M3}); wrong unit?",
            record=src,
            row=n,
            field=name,
            value=str(m3),
        )
    return m3


def _gtin(row: Row, src: str, n: int) -> str | None:
    gtin = text_field(row, "gtin", src, n, required=False)
    if gtin and not gtin_is_valid(gtin):
        raise InputError(
            "not a valid GTIN (length or check digit)",
            record=src,
            row=n,
            field="gtin",
            value=gtin,
        )
    return gtin or None


def _hs(row: Row, src: str, n: int) -> str | None:
    hs = (
        text_field(row, "hs_code", src, n, required=False)
        .replace(".", "")
        .replace(" ", "")
    )
    if hs and not _HS.match(hs):
        raise InputError(
            "HS code must have 6, 8 or 10 digits",
            record=src,
            row=n,
            field="hs_code",
            value=hs,
        )
    return hs or None


def _battery(row: Row, src: str, n: int) -> BatteryType:
    raw = text_field(row, "battery", src, n, required=False).lower() or "none"
    try:
        return BatteryType(raw)
    except ValueError:
        allowed = ", ".join(b.value for b in BatteryType)
        raise InputError(
            f"battery must be one of {allowed}",
            record=src,
            row=n,
            field="battery",
            value=raw,
        ) from None


def _markets(
    row: Row, name: str, src: str, n: int, markets: frozenset[str]
) -> tuple[str, ...]:
    raw = text_field(row, name, src, n, required=False)
    if not raw:
        return ()
    if raw == "*":
        return tuple(sorted(markets))
    ids = tuple(sorted({m.strip().upper() for m in raw.split(";") if m.strip()}))
    unknown = [m for m in ids if m not in markets]
    if unknown:
        raise InputError(
            "unknown marketplace", record=src, row=n, field=name, value=unknown[0]
        )
    return ids
