"""A fast path for the common SKU row: one pass, no per-field helper calls.

:func:`fast_sku` accepts only rows it can fully vouch for (every field clean,
within bounds, in the usual column forms) and returns the same
:class:`SkuRecord` the careful parser of :mod:`worldpool.ledger.sku_file`
would; for anything else it returns ``None`` and that parser decides, naming
the bad field. A property test holds the two to the same answer. Parsing a
500,000-row file spends most of its Python time here, so it avoids the ~14
helper calls per row of the careful parser.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from worldpool.domain.ids import gtin_is_valid
from worldpool.domain.money import is_currency_code
from worldpool.domain.product import BatteryType, SkuRecord
from worldpool.ledger.rows import MAX_AMOUNT, Row, plain_cells

__all__ = ["MarketCache", "fast_sku"]

_HS = re.compile(r"^\d{6}(\d{2}){0,2}$")
_BATTERY = {b.value: b for b in BatteryType}
_MAX_WEIGHT, _MAX_VOLUME = Decimal(500), Decimal(5)
_ZERO, _ONE, _MILLION = Decimal(0), Decimal(1), Decimal(1_000_000)
_LB = Decimal("0.45359237")
_GRAM = Decimal("0.001")


class MarketCache:
    """Parsed market lists (``US;DE``) by their text; files repeat a few of them."""

    def __init__(self, markets: frozenset[str], limit: int = 4096) -> None:
        """Cache at most ``limit`` distinct texts for the known ``markets``."""
        self._markets = markets
        self._every = tuple(sorted(markets))
        self._seen: dict[str, tuple[str, ...] | None] = {}
        self._limit = limit

    def get(self, raw: str) -> tuple[str, ...] | None:
        """Return the market ids of ``raw`` (stripped), or None when one is unknown."""
        hit = self._seen.get(raw, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        if raw == "*":
            out: tuple[str, ...] | None = self._every
        else:
            ids = tuple(sorted({m.strip().upper() for m in raw.split(";")} - {""}))
            out = ids if all(m in self._markets for m in ids) else None
        if len(self._seen) < self._limit:
            self._seen[raw] = out
        return out


def fast_sku(row: Row, markets: MarketCache) -> SkuRecord | None:
    """Return the record of a clean, usual SKU row, or None to parse it carefully."""
    if not plain_cells(row):
        return None
    g = row.get
    sku = g("sku", "").strip()
    title = g("title", "").strip()
    currency = g("currency", "").strip().upper()
    category = g("category", "").strip()
    if (
        not sku
        or len(sku) > 64
        or not title
        or len(category) > 128
        or not is_currency_code(currency)
    ):
        return None
    cost = _number(g("unit_cost", ""))
    weight = _weight(row)
    volume = _volume(row)
    listed = markets.get(g("listed_markets", "").strip())
    ffo = markets.get(g("ffo_markets", "").strip())
    if (
        cost is None
        or cost < _ZERO
        or weight is None
        or volume is None
        or listed is None
        or ffo is None
    ):
        return None
    gtin = g("gtin", "").strip()
    hs = g("hs_code", "").strip().replace(".", "").replace(" ", "")
    battery = _BATTERY.get(g("battery", "").strip().lower() or "none")
    if (gtin and not gtin_is_valid(gtin)) or (hs and not _HS.match(hs)) or not battery:
        return None
    return SkuRecord(
        sku=sku,
        title=title,
        unit_weight_kg=weight,
        unit_volume_m3=volume,
        unit_cost=cost,
        currency=currency,
        gtin=gtin or None,
        hs_code=hs or None,
        battery=battery,
        category=category or None,
        listed_markets=listed,
        ffo_markets=ffo,
    )


def _number(raw: str) -> Decimal | None:
    """The finite decimal of ``raw`` within +-10^12, else None."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        return None
    return value


def _weight(row: Row) -> Decimal | None:
    """Kilograms from the first weight column given, if plausible."""
    for name, factor in (
        ("unit_weight_kg", _ONE),
        ("unit_weight_g", _GRAM),
        ("unit_weight_lb", _LB),
    ):
        raw = row.get(name, "")
        if raw.strip():
            value = _number(raw)
            if value is None:
                return None
            kg = value * factor
            return kg if _ZERO < kg <= _MAX_WEIGHT else None
    return None


def _volume(row: Row) -> Decimal | None:
    """Cubic metres from the volume columns given, if plausible."""
    g = row.get
    if g("unit_volume_m3", "").strip():
        m3 = _number(g("unit_volume_m3", ""))
    elif g("unit_volume_cm3", "").strip():
        cm3 = _number(g("unit_volume_cm3", ""))
        m3 = None if cm3 is None else cm3 / _MILLION
    else:
        dims = [_number(g(c, "")) for c in ("length_cm", "width_cm", "height_cm")]
        if not all(d is not None and d > _ZERO for d in dims):
            return None
        a, b, c = dims
        m3 = a * b * c / _MILLION  # type: ignore[operator]
    return m3 if m3 is not None and _ZERO < m3 <= _MAX_VOLUME else None
