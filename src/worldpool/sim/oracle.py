"""The clairvoyant lower bound: one LP per SKU with perfect knowledge of demand.

It sees the whole realised demand path and the same transit draws as the
policies, may place free opening stock anywhere, buy into the hub on any day
(arriving after the supplier lead time), ship hub -> FC by sea (or air, where
the scenario has air lanes) on any day, serve
from the FC or from origin, or lose the sale. Every action of every policy
the engine runs is feasible here at no lower cost, so its optimum is a lower
bound on their total cost (an information relaxation). Solved with HiGHS.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from worldpool.sim.params import SimParams
from worldpool.sim.scenario import FloatArray, IntArray, Scenario, TransitDraws

__all__ = ["OracleResult", "solve_oracle"]


@dataclass(frozen=True, slots=True, eq=False)
class OracleResult:
    """Clairvoyant total cost per SKU on a (sampled) set of SKUs."""

    sku_index: IntArray
    """Positions of the SKUs solved, into ``Scenario.skus``."""
    sku_cost: FloatArray
    """Optimal total cost per solved SKU, in the scenario currency."""

    @property
    def total_cost(self) -> float:
        """Sum of the solved SKUs' optimal costs, in currency."""
        return float(self.sku_cost.sum())


class _Cols:
    """Column blocks of one SKU's LP, each a (days, markets) or (days,) grid."""

    def __init__(self, n: int, a: int, air: bool = False) -> None:
        self.n, self.a = n, a
        size = n * a
        self.fc = 0  # end-of-day FC stock
        self.sfc = size  # units served from the FC
        self.org = 2 * size  # demand offered to origin
        self.x = 3 * size  # hub -> FC shipments
        self.hub = 4 * size  # end-of-day hub stock (n)
        self.buy = 4 * size + n  # supplier arrivals at the hub (n)
        self.fc0 = 4 * size + 2 * n  # opening FC stock (a)
        self.hub0 = 4 * size + 2 * n + a  # opening hub stock (1)
        self.xa = self.hub0 + 1  # hub -> FC air shipments (when air lanes exist)
        self.count = self.xa + (size if air else 0)

    def grid(self, base: int) -> IntArray:
        """Return the column ids of a (days, markets) block starting at base."""
        return base + np.arange(self.n * self.a).reshape(self.n, self.a)


def _sku_lp(
    sc: Scenario, s: int, start: int, draws: TransitDraws
) -> tuple[
    FloatArray, FloatArray, FloatArray, list[FloatArray], FloatArray, FloatArray, float
]:
    """Return cost, bounds, COO triplets and row bounds of one SKU's LP."""
    demand = sc.demand[start:, s, :].astype(np.float64)
    active = np.flatnonzero(demand.sum(axis=0) > 0)
    d = demand[:, active]
    n, a = d.shape
    c = _Cols(n, a, sc.has_air)
    lead = draws.sea_days[start:, active]
    arrive = np.arange(n)[:, None] + lead
    cost, upper, keep = _costs_bounds(sc, s, d, active, lead, c)
    margin = float(sc.margin[s])
    rows, cols, vals = [], [], []
    # FC balance (n x a rows): fc[t] - fc[t-1] - arrivals[t] + sfc[t] = 0.
    r_fc = np.arange(n * a).reshape(n, a)
    rows += [r_fc, r_fc, r_fc[1:], np.broadcast_to(r_fc[0], (a,))]
    cols += [c.grid(c.fc), c.grid(c.sfc), c.grid(c.fc)[:-1], c.fc0 + np.arange(a)]
    vals += [np.ones((n, a)), np.ones((n, a)), -np.ones((n - 1, a)), -np.ones(a)]
    ok = arrive < n
    target = arrive.clip(max=n - 1) * a + np.arange(a)[None, :]
    rows.append(target[ok])
    cols.append(c.grid(c.x)[ok])
    vals.append(-np.ones(int(ok.sum())))
    if sc.air_cost is not None and draws.air_days is not None:
        r_air, k_air, v_air = _add_air(
            sc, s, start, draws.air_days, active, c, cost, upper
        )
        rows.append(r_air)
        cols.append(k_air)
        vals.append(v_air)
    r_hub = n * a + np.arange(n)
    _hub_rows(c, n, a, keep, rows, cols, vals)
    if sc.has_air:
        rows.append(np.repeat(r_hub, a))
        cols.append(c.grid(c.xa).ravel())
        vals.append(np.ones(n * a))
    # Demand (n x a rows): sfc + org <= d.
    r_dem = n * a + n + np.arange(n * a)
    rows += [r_dem, r_dem]
    cols += [c.grid(c.sfc).ravel(), c.grid(c.org).ravel()]
    vals += [np.ones(n * a), np.ones(n * a)]
    lo = np.concatenate([np.zeros(n * a + n), np.full(n * a, -np.inf)])
    hi = np.concatenate([np.zeros(n * a + n), d.ravel()])
    coo = [
        np.concatenate([np.ravel(r) for r in rows]),
        np.concatenate([np.ravel(k) for k in cols]),
        np.concatenate([np.ravel(v) for v in vals]),
    ]
    return cost, np.zeros(c.count), upper, coo, lo, hi, margin * float(d.sum())


def _costs_bounds(
    sc: Scenario,
    s: int,
    d: FloatArray,
    active: NDArray[np.intp],
    lead: NDArray[Any],
    c: _Cols,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return the objective, the upper bounds and the kept share of one SKU's LP."""
    keep = 1.0 - sc.ffo_loss[active]
    margin = float(sc.margin[s])
    hold_fc = sc.holding_fc[s, active] + sc.capital_day[s]
    n, a = d.shape
    arrive = np.arange(n)[:, None] + lead
    cost = np.zeros(c.count)
    upper = np.full(c.count, np.inf)
    cost[c.grid(c.fc)] = np.broadcast_to(hold_fc, (n, a))
    cost[c.grid(c.sfc)] = -margin
    fixed = np.where(d > 0, sc.parcel_fixed[active] / np.maximum(d, 1e-12), 0.0)
    cost[c.grid(c.org)] = keep * (sc.parcel_cost[s, active] - margin) + fixed
    cost[c.grid(c.x)] = sc.sea_cost[s, active] + sc.capital_day[s] * lead
    cost[c.hub : c.hub + n] = sc.holding_hub[s] + sc.capital_day[s]
    upper[c.grid(c.sfc)] = d
    cap = sc.origin_max_units
    upper[c.grid(c.org)] = d if cap is None else np.minimum(d, float(cap[s]))
    if sc.origin_cleared is not None:
        upper[c.grid(c.org)] *= sc.origin_cleared[s, active]
    upper[c.grid(c.x)] = np.where(arrive < n, np.inf, 0.0)
    buy_ok = np.arange(n) >= sc.supplier_lead_days
    upper[c.buy : c.buy + n] = np.where(buy_ok, np.inf, 0.0)
    return cost, upper, keep


def _hub_rows(
    c: _Cols,
    n: int,
    a: int,
    keep: FloatArray,
    rows: list[Any],
    cols: list[Any],
    vals: list[Any],
) -> None:
    """Append the hub balance rows: hub[t] - hub[t-1] - buy[t] + x + keep*org = 0."""
    r_hub = n * a + np.arange(n)
    rows += [
        r_hub,
        r_hub[1:],
        r_hub[:1],
        r_hub,
        np.repeat(r_hub, a),
        np.repeat(r_hub, a),
    ]
    cols += [
        c.hub + np.arange(n),
        c.hub + np.arange(n - 1),
        np.array([c.hub0]),
        c.buy + np.arange(n),
        c.grid(c.x).ravel(),
        c.grid(c.org).ravel(),
    ]
    vals += [
        np.ones(n),
        -np.ones(n - 1),
        -np.ones(1),
        -np.ones(n),
        np.ones(n * a),
        np.broadcast_to(keep, (n, a)).ravel(),
    ]


def _add_air(
    sc: Scenario,
    s: int,
    start: int,
    air_days: IntArray,
    active: IntArray,
    c: _Cols,
    cost: FloatArray,
    upper: FloatArray,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Set the air columns' cost and window; return their FC-arrival triplets."""
    assert sc.air_cost is not None
    n, a = c.n, c.a
    lead = air_days[start:, active]
    arrive = np.arange(n)[:, None] + lead
    cost[c.grid(c.xa)] = sc.air_cost[s, active] + sc.capital_day[s] * lead
    upper[c.grid(c.xa)] = np.where(arrive < n, np.inf, 0.0)
    ok = arrive < n
    target = arrive.clip(max=n - 1) * a + np.arange(a)[None, :]
    return target[ok], c.grid(c.xa)[ok], -np.ones(int(ok.sum()))


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1: HiGHS prints a banner from C++ on first use."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with Path(os.devnull).open("w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _solve(
    cost: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    coo: list[FloatArray],
    row_lo: FloatArray,
    row_hi: FloatArray,
) -> float:
    import highspy  # the optional `ml` extra; imported only when the bound is asked

    order = np.argsort(coo[1], kind="stable")
    rows, cols, vals = coo[0][order], coo[1][order], coo[2][order]
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), len(row_lo)
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = np.where(np.isinf(upper), inf, upper)
    lp.row_lower_ = np.where(np.isinf(row_lo), -inf, row_lo)
    lp.row_upper_ = np.where(np.isinf(row_hi), inf, row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(cols, np.arange(len(cost) + 1)).astype(
        np.int32
    )
    lp.a_matrix_.index_ = rows.astype(np.int32)
    lp.a_matrix_.value_ = vals.astype(np.float64)
    with _quiet_stdout():
        h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(
            f"oracle LP not optimal: {h.modelStatusToString(h.getModelStatus())}"
        )
    return float(h.getInfo().objective_function_value)


def solve_oracle(
    scenario: Scenario,
    draws: TransitDraws,
    sku_index: IntArray,
    params: SimParams | None = None,
) -> OracleResult:
    """Return the clairvoyant minimum total cost of each SKU in ``sku_index``.

    Args:
        scenario: The scenario.
        draws: The transit draws the policies ran with (same seed).
        sku_index: Positions of the SKUs to solve (each one LP; SKUs are
            independent because nothing couples them but the lanes' costs).
        params: Engine settings; only ``warmup_days`` is used (the LP covers
            the simulated days).

    Returns:
        Costs comparable with ``SimResult.sku_cost[sku_index]``: storage,
        capital, sea and parcel freight (the per-parcel charge spread over the
        day's demand, which never exceeds what the engine charges) and lost
        margin.
    """
    start = (params or SimParams()).warmup_days
    index = np.asarray(sku_index, dtype=np.int64)
    costs = np.zeros(len(index))
    for i, s in enumerate(index):
        if scenario.demand[start:, s, :].sum() <= 0:
            continue
        cost, lo, up, coo, r_lo, r_hi, const = _sku_lp(scenario, int(s), start, draws)
        costs[i] = _solve(cost, lo, up, coo, r_lo, r_hi) + const
    return OracleResult(sku_index=index, sku_cost=costs)
