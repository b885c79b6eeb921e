from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from worldpool.sim import PolicyView, Scenario, pooled_targets, synthetic_scenario
from worldpool.sim.echelon import fc_critical_ratio, order_up_to
from worldpool.testing.views import trailing_view


def _view(sc: Scenario) -> PolicyView:
    return trailing_view(sc)


def test_order_up_to_is_mean_plus_z_sigma() -> None:
    """The level is mu P + z sigma sqrt(P) with a fixed lead time (z(0.95)=1.645)."""
    level = order_up_to(
        np.array([2.0]), np.array([4.0]), np.array([9.0]), np.array([0.0]), 0.95
    )
    assert level[0] == pytest.approx(18.0 + 1.6448536 * 6.0, rel=1e-6)


def test_cheap_origin_lowers_the_fc_service_level() -> None:
    """With a cheap fallback the FC critical ratio falls below the system target."""
    sc = synthetic_scenario(5, 3, 120, seed=1)
    cheap = dataclasses.replace(
        sc, parcel_cost=sc.parcel_cost * 0.01, parcel_fixed=sc.parcel_fixed * 0.01
    )
    ratio, ok = fc_critical_ratio(_view(cheap), 0.99)
    assert ok.all() and (ratio < 0.99).all()
    ratio_no, _ = fc_critical_ratio(_view(cheap), 0.99, always_origin=False)
    assert (ratio_no <= 0.99 + 1e-12).all()


def test_echelon_target_covers_the_fc_targets() -> None:
    """The hub never plans less system stock than the FCs' targets need."""
    sc = synthetic_scenario(5, 4, 120, seed=2)
    targets = pooled_targets(_view(sc), 0.9)
    assert (targets.echelon >= targets.fc.sum(axis=1)).all()
    assert targets.fc.shape == (5, 4)
