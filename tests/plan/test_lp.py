from __future__ import annotations

import numpy as np

from worldpool.plan import PlanParams
from worldpool.plan.lp import Columns, solve_coupling


def _cols(n: int, seed: int = 0, groups: int = 1) -> Columns:
    rng = np.random.default_rng(seed)
    return Columns(
        value=rng.uniform(1, 10, n),
        volume=rng.uniform(0.01, 0.1, n),
        cash=rng.uniform(1, 5, n),
        fc=np.zeros(n, np.int64),
        group=rng.integers(0, groups, n),
    )


def test_nothing_binding_keeps_everything() -> None:
    """With room and cash to spare the LP is skipped and every segment is kept."""
    out = solve_coupling(_cols(50), np.array([1e9]), float("inf"), PlanParams(), 0)
    assert out.status == "not needed" and (out.fraction == 1).all()


def test_budget_binds_and_is_respected() -> None:
    """A tight cash budget is met exactly and the best value per cash is kept."""
    cols = _cols(200)
    out = solve_coupling(cols, np.array([1e9]), 100.0, PlanParams(), 0)
    assert out.status == "Optimal"
    assert (cols.cash * out.fraction).sum() <= 100.0 + 1e-6
    ratio = cols.value / cols.cash
    kept = out.fraction > 0.99
    assert ratio[kept].min() >= ratio[out.fraction < 0.01].max() - 1e-9


def test_fc_capacity_binds() -> None:
    """FC space is never overfilled."""
    cols = _cols(300, seed=1)
    out = solve_coupling(cols, np.array([2.0]), float("inf"), PlanParams(), 0)
    assert (cols.volume * out.fraction).sum() <= 2.0 + 1e-6


def test_small_shipments_are_all_or_nothing() -> None:
    """A shipment group below the minimum volume is dropped by the MIP."""
    cols = _cols(10, seed=2)
    small = cols.volume.sum() + 1.0
    out = solve_coupling(
        cols, np.array([1e9]), float("inf"), PlanParams(min_shipment_m3=small), 0
    )
    assert out.binaries == 1 and np.allclose(out.fraction, 0.0)


def test_aggregated_lp_stays_feasible() -> None:
    """Above lp_max_columns, bucketed columns still respect budget and space."""
    cols = _cols(5000, seed=3, groups=3)
    p = PlanParams(lp_max_columns=100, lp_buckets=4)
    out = solve_coupling(cols, np.array([50.0]), 3000.0, p, 0)
    assert out.columns < 5000
    assert (cols.cash * out.fraction).sum() <= 3000.0 + 1e-6
    assert (cols.volume * out.fraction).sum() <= 50.0 + 1e-6
