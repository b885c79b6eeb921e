"""The coupled LP/MIP: FC capacity, the cash budget and minimum shipment sizes.

Each plan line (transfer or purchase order) is cut into value segments whose
expected value per unit falls (cover the mean first, then safety stock), so
a linear program with a concave objective keeps the most valuable units when
FC space or cash is short. Small (FC, mode) shipments get a binary: ship at
least ``min_shipment_m3`` or nothing. HiGHS solves it.

Very large plans aggregate columns into buckets of equal value density per
(FC, mode) group before the solve, and every member of a bucket takes the
bucket's fraction, which keeps the solution feasible.

References:
    Huangfu & Hall, "Parallelizing the dual revised simplex method",
    Mathematical Programming Computation 10(1), 2018 (HiGHS).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np

from worldpool.plan.params import PlanParams
from worldpool.plan.problem import FloatArray, IntArray

__all__ = ["Columns", "LpOutcome", "solve_coupling"]


@dataclass(frozen=True, slots=True, eq=False)
class Columns:
    """LP columns: one per value segment of a plan line (arrays of length C)."""

    value: FloatArray
    """Expected value of the whole segment, in currency."""
    volume: FloatArray
    """FC space the whole segment takes, in m³ (0 for purchase orders)."""
    cash: FloatArray
    """Cash the whole segment commits (freight or purchase), in currency."""
    fc: IntArray
    """FC row index of the segment, -1 when it uses no FC space."""
    group: IntArray
    """Shipment group (FC x mode) for the minimum-size MIP, -1 for none."""


@dataclass(frozen=True, slots=True)
class LpOutcome:
    """What the solver did."""

    fraction: FloatArray
    """(C,) share of each segment kept, 0..1."""
    status: str
    """HiGHS model status, or ``not needed`` when nothing binds."""
    columns: int
    """Columns HiGHS saw (after aggregation)."""
    rows: int
    """Rows HiGHS saw."""
    binaries: int
    """Integer columns (minimum-shipment switches)."""
    objective: float
    """Expected value of the kept segments, in currency."""


@contextmanager
def _stdout_silenced() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null while HiGHS prints its start-up banner.

    HiGHS writes a copyright banner from C++ when the first solver object is
    built, before any option can turn output off; the core must never print.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(null)
        os.close(saved)


def _highs() -> highspy.Highs:
    with _stdout_silenced():
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    # HiGHS presolve is slow on these few-row, many-column models (seconds for
    # 5,000 columns) and gains nothing: every column already has its bounds.
    h.setOptionValue("presolve", "off")
    return h


def _aggregate(cols: Columns, buckets: int) -> tuple[Columns, IntArray]:
    def rank(x: FloatArray) -> IntArray:
        """Return the bucket (0..buckets-1) of each value by its quantile."""
        edges = np.quantile(x, np.linspace(0, 1, buckets + 1)[1:-1])
        out: IntArray = np.searchsorted(edges, x).astype(np.int64)
        return out

    d1 = rank(cols.value / np.maximum(cols.volume, 1e-12))
    d2 = rank(cols.value / np.maximum(cols.cash, 1e-12))
    key = ((cols.group + 1) * (cols.fc.max() + 2) + cols.fc + 1) * buckets**2
    key = key + d1 * buckets + d2
    uniq, inv = np.unique(key, return_inverse=True)
    n = len(uniq)
    first = np.zeros(n, np.int64)
    first[inv[::-1]] = np.arange(len(inv))[::-1]

    def total(x: FloatArray) -> FloatArray:
        """Return the sum of ``x`` per aggregated column."""
        out: FloatArray = np.bincount(inv, weights=x, minlength=n).astype(float)
        return out

    agg = Columns(
        total(cols.value),
        total(cols.volume),
        total(cols.cash),
        cols.fc[first],
        cols.group[first],
    )
    return agg, inv.astype(np.int64)


def _rows(
    cols: Columns, fc_free: FloatArray, budget: float, min_m3: float
) -> tuple[
    list[tuple[IntArray, IntArray, FloatArray]], list[float], list[float], IntArray
]:
    """Return sparse row blocks, row bounds and the small shipment groups."""
    blocks: list[tuple[IntArray, IntArray, FloatArray]] = []
    lo: list[float] = []
    up: list[float] = []
    n = len(cols.value)
    idx = np.arange(n)
    use = np.bincount(
        cols.fc[cols.fc >= 0], weights=cols.volume[cols.fc >= 0], minlength=len(fc_free)
    )
    for f in np.flatnonzero(use > fc_free + 1e-9):
        m = cols.fc == f
        blocks.append((np.full(m.sum(), len(lo)), idx[m], cols.volume[m]))
        lo.append(-highspy.kHighsInf)
        up.append(max(float(fc_free[f]), 0.0))
    if np.isfinite(budget) and cols.cash.sum() > budget:
        blocks.append((np.full(n, len(lo)), idx, cols.cash))
        lo.append(-highspy.kHighsInf)
        up.append(max(budget, 0.0))
    small = np.zeros(0, np.int64)
    if min_m3 > 0:
        gv = np.bincount(
            cols.group[cols.group >= 0], weights=cols.volume[cols.group >= 0]
        )
        small = np.flatnonzero((gv > 0) & (gv < 2 * min_m3))
    return blocks, lo, up, small


def _model(
    cols: Columns, fc_free: FloatArray, budget: float, min_m3: float
) -> tuple[highspy.HighsLp, int] | None:
    blocks, lo, up, small = _rows(cols, fc_free, budget, min_m3)
    n = len(cols.value)
    if not blocks and small.size == 0:
        return None
    for j, g in enumerate(small):
        m = np.flatnonzero(cols.group == g)
        ycol = n + j
        vol = cols.volume[m]
        for sign, rhs in ((1.0, min_m3), (-1.0, -vol.sum())):
            blocks.append(
                (
                    np.full(len(m) + 1, len(lo)),
                    np.r_[m, ycol],
                    np.r_[sign * vol, -sign * rhs],
                )
            )
            lo.append(0.0)
            up.append(highspy.kHighsInf)
    r = np.concatenate([b[0] for b in blocks]).astype(np.int32)
    c = np.concatenate([b[1] for b in blocks]).astype(np.int64)
    v = np.concatenate([b[2] for b in blocks])
    order = np.lexsort((r, c))
    ncol = n + len(small)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = ncol, len(lo)
    lp.col_cost_ = np.r_[-cols.value, np.zeros(len(small))]
    lp.col_lower_ = np.zeros(ncol)
    lp.col_upper_ = np.ones(ncol)
    lp.row_lower_, lp.row_upper_ = np.array(lo), np.array(up)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(c[order], np.arange(ncol + 1)).astype(
        np.int32
    )
    lp.a_matrix_.index_ = r[order]
    lp.a_matrix_.value_ = v[order]
    if small.size:
        lp.integrality_ = [highspy.HighsVarType.kContinuous] * n + [
            highspy.HighsVarType.kInteger
        ] * len(small)
    return lp, len(small)


def solve_coupling(
    cols: Columns, fc_free: FloatArray, budget: float, params: PlanParams, seed: int
) -> LpOutcome:
    """Solve the coupled LP/MIP and return the share of each segment to keep.

    Args:
        cols: Value segments of every plan line.
        fc_free: (F,) free space per FC, in m³.
        budget: Cash the plan may commit, in currency (inf = no limit). [B]
        params: Solver settings (aggregation, minimum shipment, time limit).
        seed: HiGHS random seed.

    Returns:
        Fractions per input column (1 = keep all), with solver statistics.
    """
    inv: IntArray | None = None
    work = cols
    if len(cols.value) > params.lp_max_columns:
        work, inv = _aggregate(cols, params.lp_buckets)
    built = _model(work, fc_free, budget, params.min_shipment_m3)
    if built is None:
        return LpOutcome(
            np.ones(len(cols.value)), "not needed", 0, 0, 0, float(cols.value.sum())
        )
    lp, n_bin = built
    h = _highs()
    h.setOptionValue("random_seed", int(seed) % 2_147_483_647)
    h.setOptionValue("time_limit", float(params.lp_time_limit_s))
    h.setOptionValue("mip_rel_gap", 1e-4)
    h.passModel(lp)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    sol = h.getSolution()
    n = len(work.value)
    x = np.clip(
        np.asarray(sol.col_value[:n]) if sol.value_valid else np.zeros(n), 0.0, 1.0
    )
    frac = x if inv is None else x[inv]
    return LpOutcome(
        frac, status, n + n_bin, lp.num_row_, n_bin, float((cols.value * frac).sum())
    )
