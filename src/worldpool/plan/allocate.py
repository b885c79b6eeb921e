"""Allocation of short hub stock to FCs by marginal expected value.

When the FCs together need more than the hub can give, every FC is filled up
to the level where the expected value of one more unit,

    Cu*(1 - F(s)) - Co*F(s),

equals one common price ``lambda`` per SKU (the dual of the hub-stock
constraint). A vectorised bisection finds ``lambda`` for all short SKUs at
once; whole case packs are then handed out by marginal value, never first
come, first served.

References:
    Jackson, "Stock allocation in a two-echelon distribution system or 'What
    to do until your ship comes in'", Management Science 34(7), 1988.
    McGavin, Ward & Schwarz, "Balancing and allocation in a two-echelon
    system", Operations Research 45(6), 1997.
"""

from __future__ import annotations

import numpy as np

from worldpool.demand import dist as _dist
from worldpool.plan.problem import FloatArray, IntArray

__all__ = ["allocate", "round_to_packs"]

_ITERATIONS = 28


def round_to_packs(qty: FloatArray, pack: IntArray) -> IntArray:
    """Round each quantity to the nearest whole case pack (half a pack rounds up).

    Args:
        qty: Wanted units (may be fractional). [Q]
        pack: Units per case, >= 1.

    Returns:
        Whole multiples of ``pack``, in units; never negative.
    """
    packs = np.floor(np.maximum(qty, 0.0) / pack + 0.5)
    out: IntArray = (packs * pack).astype(np.int64)
    return out


def _levels(
    lam: FloatArray,
    cu: FloatArray,
    co: FloatArray,
    mean: FloatArray,
    var: FloatArray,
    exact: bool = False,
) -> FloatArray:
    p = np.clip((cu - lam) / np.maximum(cu + co, 1e-12), 0.0, 1.0 - 1e-9)
    if exact:
        return _dist.quantile(mean, var, p)
    return _dist.quantile_approx(mean, var, p)


def allocate(
    need: IntArray,
    group: IntArray,
    supply: IntArray,
    position: IntArray,
    cu: FloatArray,
    co: FloatArray,
    mean: FloatArray,
    var: FloatArray,
    pack: IntArray,
) -> IntArray:
    """Share each SKU's hub supply between the FCs that need it.

    Args:
        need: (P,) units each pair wants (whole packs), >= 0. [Q]
        group: (P,) SKU index of each pair, in ``0..S-1``.
        supply: (S,) hub units that may be sent, >= 0.
        position: (P,) FC inventory position before this plan, in units. [IP]
        cu: (P,) underage cost per unit. [Cu]
        co: (P,) overage cost per unit. [Co]
        mean: (P,) mean lead-time + review demand, in units.
        var: (P,) variance of that demand, in units².
        pack: (P,) case pack of each pair's SKU, in units.

    Returns:
        (P,) units allocated: ``need`` where supply suffices, otherwise a split
        by equal marginal value whose per-SKU sum never exceeds ``supply``.
    """
    n_s = len(supply)
    total = np.bincount(group, weights=need, minlength=n_s)
    short_sku = total > supply
    out = need.copy()
    rows = np.flatnonzero(short_sku[group] & (need > 0))
    if rows.size == 0:
        return out
    g = group[rows]
    args = (cu[rows], co[rows], mean[rows], var[rows])
    lo = np.zeros(n_s)
    hi = np.zeros(n_s)
    np.maximum.at(hi, g, np.maximum(cu[rows], 0.0))
    for _ in range(_ITERATIONS):
        mid = 0.5 * (lo + hi)
        lvl = _levels(mid[g], *args)
        got = np.minimum(np.maximum(lvl - position[rows], 0.0), need[rows])
        over = np.bincount(g, weights=got, minlength=n_s) > supply
        lo = np.where(over, mid, lo)
        hi = np.where(over, hi, mid)
    lvl = np.minimum(_levels(hi[g], *args, exact=True), _levels(hi[g], *args))
    got = np.minimum(np.maximum(lvl - position[rows], 0.0), need[rows])
    packs = pack[rows]
    give = (np.floor(got / packs) * packs).astype(np.int64)
    give = _top_up(give, g, supply, packs, need[rows], position[rows], args)
    out[rows] = give
    return out


def _top_up(
    give: IntArray,
    g: IntArray,
    supply: IntArray,
    packs: IntArray,
    need: IntArray,
    position: IntArray,
    args: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
) -> IntArray:
    """Hand out what flooring left, one pack per pair, best marginal value first."""
    cu, co, mean, var = args
    left = supply - np.bincount(g, weights=give, minlength=len(supply))
    room = give < need
    f = _dist.cdf(mean, var, (position + give).astype(float))
    value = cu * (1.0 - f) - co * f
    order = np.lexsort((-value, g))
    cand = order[room[order]]
    cum: FloatArray = np.zeros(len(cand))
    if cand.size:
        csum = np.cumsum(packs[cand])
        first = np.r_[0, np.flatnonzero(np.diff(g[cand])) + 1]
        start = np.repeat(
            csum[first] - packs[cand][first], np.diff(np.r_[first, len(cand)])
        )
        cum = (csum - start).astype(float)
    take = cand[cum <= left[g[cand]]]
    out = give.copy()
    out[take] += packs[take]
    return out
