"""Which SKUs may ship from origin to which markets: the routing rules' clearance.

The twin does not restate the rule: every (SKU, market) cell is decided by
:func:`worldpool.orders.eligibility.origin_block`, the function the order
router calls (a hypothesis test checks the two agree). Only the reading of
the twin's SKU table lives here: ``ffo_markets`` may be ``*`` (every market),
and a table without that column restricts nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from worldpool.domain.product import BatteryType
from worldpool.errors import InputError
from worldpool.orders.eligibility import origin_block

__all__ = ["origin_cleared"]


def _text(value: object) -> str:
    """Return a table cell as stripped text ('' for missing)."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def _battery(value: object, sku: str) -> BatteryType:
    raw = _text(value).lower() or "none"
    try:
        return BatteryType(raw)
    except ValueError:
        allowed = ", ".join(b.value for b in BatteryType)
        raise InputError(
            f"battery must be one of {allowed}",
            record=f"sku {sku}",
            field="battery",
            value=raw,
        ) from None


def _cleared_for(value: object, places: Sequence[str]) -> tuple[str, ...]:
    raw = _text(value)
    if raw == "*":
        return tuple(places)
    return tuple(m.strip().upper() for m in raw.split(";") if m.strip())


def origin_cleared(
    sku_frame: pd.DataFrame | None, skus: Sequence[str], places: Sequence[str]
) -> NDArray[np.bool_] | None:
    """Return where each SKU may ship from origin to each market's marketplace.

    Args:
        sku_frame: SKU table with optional ``battery`` (none, contained,
            packed_with, loose) and ``ffo_markets`` (``US;DE``, ``*`` for all,
            empty for none) columns.
        skus: SKU ids in scenario order (S).
        places: Marketplace id of each market (M).

    Returns:
        (S, M) bool, or None when the table says nothing about clearance.

    Raises:
        InputError: naming the SKU when its battery class is unknown.
    """
    if sku_frame is None or not {"battery", "ffo_markets"} & set(sku_frame.columns):
        return None
    given = sku_frame.set_index("sku").reindex(list(skus))
    none = [None] * len(skus)
    batteries = given["battery"] if "battery" in given.columns else none
    cleared = given["ffo_markets"] if "ffo_markets" in given.columns else none
    ok = np.ones((len(skus), len(places)), dtype=bool)
    for i, (sku, b, f) in enumerate(zip(skus, batteries, cleared, strict=True)):
        battery = _battery(b, sku)
        markets = tuple(places) if f is None else _cleared_for(f, places)
        for j, place in enumerate(places):
            ok[i, j] = origin_block(sku, battery, markets, place) is None
    return ok
