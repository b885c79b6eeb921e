from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.plan.conftest import one_pair
from worldpool.errors import InputError
from worldpool.plan import PlanParams, PlanProblem, Reason, targets


def test_zero_demand_stocks_nothing() -> None:
    """An all-zero series gets no forward stock and the NO_DEMAND reason."""
    t = targets(
        one_pair(demand_mean=np.array([0.0]), demand_std=np.array([0.0])), PlanParams()
    )
    assert t.mode[0] == -1 and t.target[0] == 0 and t.reason[0] == Reason.NO_DEMAND


def test_steady_seller_is_stocked_locally() -> None:
    """A steady seller with cheap sea freight is stocked at its FC."""
    t = targets(one_pair(), PlanParams())
    assert t.reason[0] == Reason.STOCK and t.target[0] > 3.0 * 35


def test_new_pair_launches_from_origin() -> None:
    """A SKU new to a market sells from origin until its demand signal builds."""
    pb = one_pair(history_days=np.array([5]), history_units=np.array([2.0]))
    t = targets(pb, PlanParams())
    assert t.mode[0] == -1 and t.reason[0] == Reason.LAUNCH


def test_launch_needs_origin_fulfilment() -> None:
    """Without FFO a new pair cannot launch from origin and is stocked instead."""
    pb = one_pair(history_days=np.array([5]), ffo_allowed=np.array([False]))
    assert targets(pb, PlanParams()).reason[0] == Reason.STOCK


def test_ffo_fallback_lowers_the_fc_service_level() -> None:
    """With fewer buyers lost to a slow promise, the FC target falls (d*m + (1-d)*c_x)."""
    pb = one_pair(demand_mean=np.array([0.5]), demand_std=np.array([1.0]))
    strict = targets(pb, PlanParams(ffo_lost_share=1.0, max_service=0.999))
    pooled = targets(pb, PlanParams(ffo_lost_share=0.05, max_service=0.999))
    assert pooled.cu[0] < strict.cu[0]
    assert pooled.target[0] <= strict.target[0]


def test_slow_mover_is_served_from_origin() -> None:
    """A rare, cheap-to-parcel seller costs less from origin than stocked forward."""
    pb = one_pair(
        demand_mean=np.array([0.01]),
        demand_std=np.array([0.2]),
        ffo_extra_cost=np.array([0.5]),
        margin=np.array([1.0]),
        lane_cost=np.array([[1.0, 3.0]]),
    )
    t = targets(pb, PlanParams(ffo_lost_share=0.02))
    assert t.reason[0] == Reason.FFO_CHEAPER


def test_no_fc_means_origin() -> None:
    """A market with no FC is served from origin with the NO_LANE reason."""
    pb = one_pair(pair_fc=np.array([-1]))
    assert targets(pb, PlanParams()).reason[0] == Reason.NO_LANE


@settings(max_examples=25, deadline=None)
@given(lo=st.floats(0.5, 0.9), step=st.floats(0.0, 0.09))
def test_targets_monotone_in_service_cap(lo: float, step: float) -> None:
    """Raising the service-level cap never lowers a target."""
    pb = one_pair(margin=np.array([500.0]))
    a = targets(pb, PlanParams(max_service=lo)).target[0]
    b = targets(pb, PlanParams(max_service=min(lo + step, 0.99))).target[0]
    assert b >= a


def test_chunking_does_not_change_targets(small_world: PlanProblem) -> None:
    """Evaluating pairs in small chunks gives the same targets as one chunk."""
    a = targets(small_world, PlanParams())
    b = targets(small_world, PlanParams(chunk_pairs=7))
    np.testing.assert_array_equal(a.target, b.target)
    np.testing.assert_array_equal(a.mode, b.mode)


def test_problem_rejects_negative_demand() -> None:
    """A negative mean demand is an InputError naming the field and row."""
    with pytest.raises(InputError, match="demand_mean"):
        one_pair(demand_mean=np.array([-1.0]))


def test_problem_rejects_unknown_fc_index() -> None:
    """A pair pointing at an FC that does not exist is an InputError."""
    with pytest.raises(InputError, match="pair_fc"):
        one_pair(pair_fc=np.array([3]))
