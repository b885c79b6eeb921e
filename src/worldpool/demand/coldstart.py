"""Cold start: forecasts for (SKU, market) pairs without history.

Rules, first that applies (the ``source`` column says which, ``why`` says it in
words):

1. ``sku_other_markets``: the SKU sells elsewhere; its rate there, scaled by
   the size of the new market relative to those markets (size = units per day
   of all SKUs in the market over the rate window, or given).
2. ``category_in_market``: other SKUs of its category sell in the market; their
   mean rate per SKU there.
3. ``category``: its category sells elsewhere; the category's mean rate per
   (SKU, market) pair scaled by relative market size.
4. ``market``: nothing is known; the median rate of a SKU in the market.

The spread of a borrowed rate is wide on purpose: quantiles come from a
negative binomial with the borrowed mean and squared coefficient of variation
``cv2`` of the rate (gamma-Poisson), sampled with a fixed seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from worldpool.demand.forecasters import FloatArray

__all__ = ["ColdStart", "cold_quantiles", "cold_start"]


@dataclass(frozen=True, slots=True)
class ColdStart:
    """Borrowed forecast of one new (sku, market) pair."""

    sku: str
    """SKU id."""
    market: str
    """Marketplace id."""
    rate: float
    """Borrowed mean demand, units per day."""
    source: str
    """Which rule was used (see the module docstring)."""
    why: str
    """The rule in words a seller reads."""


def _size(
    rates: Mapping[tuple[str, str], float], given: Mapping[str, float] | None
) -> dict[str, float]:
    size: dict[str, float] = {}
    for (_sku, market), r in rates.items():
        size[market] = size.get(market, 0.0) + r
    if given:
        size.update(given)
    return size


def cold_start(
    rates: Mapping[tuple[str, str], float],
    pairs: Sequence[tuple[str, str]],
    *,
    categories: Mapping[str, str] | None = None,
    market_size: Mapping[str, float] | None = None,
) -> list[ColdStart]:
    """Borrow a daily rate for each new (sku, market) pair.

    Args:
        rates: Recent mean demand of every pair with history, units per day.
        pairs: New pairs to forecast.
        categories: Category of each SKU, where known.
        market_size: Relative size of each market (any unit, e.g. units per
            day or GMV); default: the summed ``rates`` per market.

    Returns:
        One borrowed rate per pair, in the order of ``pairs``.
    """
    cats = categories or {}
    size = _size(rates, market_size)
    return [_one(rates, s, m, cats, size) for s, m in pairs]


def _one(
    rates: Mapping[tuple[str, str], float],
    sku: str,
    market: str,
    cats: Mapping[str, str],
    size: Mapping[str, float],
) -> ColdStart:
    known = [v for v in size.values() if v > 0]
    # A market with no sales yet and no given size counts as a median market.
    target = size.get(market) or (float(np.median(known)) if known else 1.0)
    other = {m: r for (s, m), r in rates.items() if s == sku and m != market}
    if other and sum(size.get(m, 0.0) for m in other) > 0:
        base = sum(size.get(m, 0.0) for m in other)
        rate = sum(other.values()) * target / base
        why = f"{sku} sells in {', '.join(sorted(other))}; scaled by market size"
        return ColdStart(sku, market, rate, "sku_other_markets", why)
    cat = cats.get(sku)
    if cat is not None:
        peers = {(s, m): r for (s, m), r in rates.items() if cats.get(s) == cat}
        here = [r for (_s, m), r in peers.items() if m == market]
        if here:
            why = f"mean of {len(here)} {cat!r} SKUs in {market}"
            return ColdStart(
                sku, market, float(np.mean(here)), "category_in_market", why
            )
        if peers:
            mean_size = float(np.mean([size.get(m, 0.0) for (_s, m) in peers])) or 1.0
            rate = float(np.mean(list(peers.values()))) * target / mean_size
            why = f"mean {cat!r} SKU elsewhere, scaled by market size"
            return ColdStart(sku, market, rate, "category", why)
    here_all = [r for (_s, m), r in rates.items() if m == market]
    rate = float(np.median(here_all)) if here_all else 0.0
    why = f"median SKU in {market} (no history of {sku} or its category)"
    return ColdStart(sku, market, rate, "market", why)


def cold_quantiles(
    mean_units: FloatArray,
    levels: Sequence[float],
    *,
    cv2: float = 1.0,
    draws: int = 20_000,
    seed: int = 0,
) -> FloatArray:
    """Quantiles of a negative binomial with the given means, units, ``(N, Q)``.

    Args:
        mean_units: Mean demand over the window of each pair, in units.
        levels: Quantile levels, unitless.
        cv2: Squared coefficient of variation of the unknown rate, unitless.
        draws: Monte Carlo draws per pair.
        seed: Random seed.
    """
    rng = np.random.default_rng(seed)
    out = np.zeros((len(mean_units), len(levels)))
    r = 1.0 / cv2
    for i, mu in enumerate(mean_units):
        if mu > 0:
            sample = rng.negative_binomial(r, r / (r + mu), size=draws)
            out[i] = np.quantile(sample, levels)
    return out
