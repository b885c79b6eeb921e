"""Small planning problems shared by the plan tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from worldpool.plan import PlanProblem
from worldpool.plan.synthetic import synthetic_problem


@pytest.fixture(scope="session")
def small_world() -> PlanProblem:
    """A seeded 60 SKU x 8 market problem with intermittent demand."""
    return synthetic_problem(60, 8, seed=7)


def with_arrays(pb: PlanProblem, **changes: Any) -> PlanProblem:
    """Return a copy of ``pb`` with some fields replaced (re-validated)."""
    return replace(pb, **changes)


def one_pair(**overrides: Any) -> PlanProblem:
    """Return a one-SKU, one-market problem with a sea and an air lane."""
    base: dict[str, Any] = {
        "as_of": synthetic_problem(1, 1).as_of,
        "hub": "HUB",
        "skus": ("A",),
        "markets": ("US",),
        "fcs": ("US-FC1",),
        "modes": ("sea", "air"),
        "unit_cost": np.array([5.0]),
        "unit_volume_m3": np.array([0.002]),
        "case_pack": np.array([1]),
        "moq": np.array([0]),
        "supplier_lead_days": np.array([30.0]),
        "hub_available": np.array([1000]),
        "hub_inbound": np.array([0]),
        "pair_sku": np.array([0]),
        "pair_market": np.array([0]),
        "pair_fc": np.array([0]),
        "demand_mean": np.array([3.0]),
        "demand_std": np.array([2.0]),
        "margin": np.array([8.0]),
        "ffo_extra_cost": np.array([6.0]),
        "ffo_allowed": np.array([True]),
        "ffo_days": np.array([10.0]),
        "history_days": np.array([365]),
        "history_units": np.array([1000.0]),
        "position": np.array([0]),
        "lane_cost": np.array([[0.3, 2.0]]),
        "lane_days": np.array([[35.0, 9.0]]),
        "lane_std_days": np.array([[6.0, 2.0]]),
        "fc_free_m3": np.array([100.0]),
        "fc_hold_m3_day": np.array([1.4]),
        "hub_hold_m3_day": 0.9,
    }
    base.update(overrides)
    return PlanProblem(**base)
