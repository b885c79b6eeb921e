"""Vectorised unit economics: many rows (cost side x price) at once, as arrays.

The price-independent side of each SKU x market x mode is resolved once
(:func:`worldpool.profit._resolve.resolve`, the same lookup the explained path
uses) into :class:`CostTable` rows of floats; :func:`contribution` then prices
any number of rows with NumPy. Money is float64 here only: records and the
explained path keep Decimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from worldpool.profit._resolve import Resolved

__all__ = ["CostTable", "contribution", "cost_table"]

Floats = npt.NDArray[np.float64]
_TIERS = 4


@dataclass(frozen=True, slots=True)
class CostTable:
    """Price-independent facts of ``n`` SKU x market x mode combinations (floats)."""

    fixed: Floats
    """Fulfilment + storage + landed + inbound cost per unit, market currency, (n,)."""
    vat: Floats
    """VAT/GST rate included in the price (0 where tax is added on top)."""
    b2b: Floats
    """B2B discount as a fraction of the price."""
    upper: Floats
    """Referral tier upper bounds in market currency, shape (n, 4); inf: open."""
    rate: Floats
    """Referral tier rates, shape (n, 4)."""
    portion: npt.NDArray[np.bool_]
    """True where the rates apply to the part of the price in each tier."""
    minimum: Floats
    """Referral minimum per item, market currency."""
    cut: Floats
    """Launch fee cut, rate points off the referral fee."""
    return_rate: Floats
    """Share of units returned."""
    recovery: Floats
    """Share of the net price recovered on a return."""
    return_fee: Floats
    """Fee per return, market currency."""
    rebate: Floats
    """New-seller rebate as a fraction of net revenue."""


def _tiers(r: Resolved) -> tuple[list[float], list[float]]:
    fx = float(r.referral_fx)
    upper = [float(t.max_price) * fx if t.max_price else np.inf for t in r.referral]
    rates = [float(t.rate) for t in r.referral]
    upper += [np.inf] * (_TIERS - len(upper))
    rates += [rates[-1]] * (_TIERS - len(rates))
    return upper[:_TIERS], rates[:_TIERS]


def cost_table(resolved: Sequence[Resolved]) -> CostTable:
    """Return the float table of resolved combinations (row i is ``resolved[i]``).

    Args:
        resolved: The price-independent sides, one per combination.
    """
    tiers = [_tiers(r) for r in resolved]

    def col(values: list[float]) -> Floats:
        """Return ``values`` as a float64 column."""
        return np.asarray(values, dtype=np.float64)

    return CostTable(
        fixed=col(
            [
                float(
                    r.fulfilment_amount
                    + r.storage_amount
                    + r.landed_amount
                    + r.inbound_amount
                )
                for r in resolved
            ]
        ),
        vat=col([float(r.vat_rate) for r in resolved]),
        b2b=col([float(r.b2b.rate) if r.b2b else 0.0 for r in resolved]),
        upper=np.asarray([u for u, _ in tiers], dtype=np.float64).reshape(-1, _TIERS),
        rate=np.asarray([x for _, x in tiers], dtype=np.float64).reshape(-1, _TIERS),
        portion=np.asarray([r.referral[0].basis == "portion" for r in resolved]),
        minimum=col([float(r.referral[0].minimum * r.referral_fx) for r in resolved]),
        cut=col(
            [float(r.referral_cut.rate) if r.referral_cut else 0.0 for r in resolved]
        ),
        return_rate=col([float(r.returns.return_rate) for r in resolved]),
        recovery=col([float(r.returns.recovery) for r in resolved]),
        return_fee=col([float(r.return_fee) for r in resolved]),
        rebate=col([float(r.rebate.rate) if r.rebate else 0.0 for r in resolved]),
    )


def _referral(c: CostTable, i: npt.NDArray[np.intp], gross: Floats) -> Floats:
    upper, rate = c.upper[i], c.rate[i]
    lower = np.concatenate([np.zeros((len(i), 1)), upper[:, :-1]], axis=1)
    # Tiers after an open-ended one are padding: zero width, so they add nothing.
    width = np.where(
        np.isinf(lower), 0.0, upper - np.where(np.isinf(lower), 0.0, lower)
    )
    part = np.clip(gross[:, None] - np.where(np.isinf(lower), 0.0, lower), 0.0, width)
    portion = (rate * part).sum(axis=1)
    first = np.argmax(gross[:, None] <= upper, axis=1)
    total = gross * np.take_along_axis(rate, first[:, None], axis=1)[:, 0]
    fee = np.where(c.portion[i], portion, total)
    fee = np.maximum(fee, c.minimum[i])
    return np.maximum(c.minimum[i], fee - c.cut[i] * gross)


def contribution(
    table: CostTable, index: npt.ArrayLike, prices: npt.ArrayLike
) -> Floats:
    """Return the contribution margin per unit of each row, market currency.

    Args:
        table: The resolved combinations.
        index: Row -> combination index into ``table``, shape (rows,).
        prices: Shopper price per unit of each row, market currency, (rows,).
    """
    i = np.asarray(index, dtype=np.intp)
    price = np.asarray(prices, dtype=np.float64)
    gross = price * (1.0 - table.b2b[i])
    net = gross / (1.0 + table.vat[i])
    returns = table.return_rate[i] * (
        net * (1.0 - table.recovery[i]) + table.return_fee[i]
    )
    return (
        net * (1.0 + table.rebate[i])
        - _referral(table, i, gross)
        - table.fixed[i]
        - returns
    )
