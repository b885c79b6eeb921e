"""Which SKUs may ship from origin to which markets: the routing rules' clearance.

The same rules as :func:`worldpool.orders.rules.ffo_block`, vectorised for the
twin: a loose lithium battery (UN3480/UN3090) never ships from origin, and a
SKU whose table lists ``ffo_markets`` ships from origin only to those.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from worldpool.domain.product import BatteryType
from worldpool.errors import InputError

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


def _listed(value: object, places: Sequence[str]) -> NDArray[np.bool_]:
    raw = _text(value)
    if raw == "*":
        return np.ones(len(places), dtype=bool)
    ids = {m.strip().upper() for m in raw.split(";") if m.strip()}
    return np.array([p in ids for p in places], dtype=bool)


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
    ok = np.ones((len(skus), len(places)), dtype=bool)
    if "battery" in given.columns:
        loose = np.array(
            [
                _battery(v, s) is BatteryType.LOOSE
                for s, v in zip(skus, given["battery"], strict=True)
            ],
            dtype=bool,
        )
        ok &= ~loose[:, None]
    if "ffo_markets" in given.columns:
        ok &= np.stack([_listed(v, places) for v in given["ffo_markets"]])
    return ok
