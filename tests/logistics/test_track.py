from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from worldpool.logistics.eta import fit_legs, remaining_days
from worldpool.logistics.events import BizStep, TrackingEvent
from worldpool.logistics.track import Lane, exceptions_of, fold

T0 = datetime(2026, 11, 1, tzinfo=UTC)
DAY = timedelta(days=1)
SEA = Lane("sea", 32, 45)


def _journey() -> list[TrackingEvent]:
    plan = [
        (BizStep.SHIPPING, 0, "in_transit"),
        (BizStep.DEPARTING, 4, "in_transit"),
        (BizStep.ARRIVING, 24, "in_transit"),
        (BizStep.CUSTOMS, 24.5, "in_progress"),
        (BizStep.CUSTOMS, 27, "in_transit"),
        (BizStep.RECEIVING, 31, "in_progress"),
    ]
    return [
        TrackingEvent(f"e{i}", "S", s, T0 + d * DAY, "", disp)
        for i, (s, d, disp) in enumerate(plan)
    ]


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6), st.randoms(use_true_random=False), st.integers(0, 5))
def test_state_ignores_order_and_repeats(n: int, rnd: random.Random, dups: int) -> None:
    """Any order, with repeats, of the same events folds to the same state."""
    events = _journey()[:n]
    now = T0 + 40 * DAY
    sent = events + [rnd.choice(events) for _ in range(dups)]
    rnd.shuffle(sent)
    assert fold(sent, SEA, now) == fold(events, SEA, now)


def test_status_follows_the_furthest_milestone() -> None:
    """Status moves shipped -> departed -> arrived -> in customs -> cleared -> delivered."""
    events = _journey()
    seen = [fold(events[: k + 1], SEA, events[k].event_time).status for k in range(6)]
    assert seen == [
        "shipped",
        "departed",
        "arrived",
        "in_customs",
        "cleared",
        "delivered",
    ]


def test_a_later_milestone_implies_the_earlier_ones() -> None:
    """An arrival without departure event still counts as arrived."""
    only = [_journey()[2]]
    state = fold(only, SEA, only[0].event_time)
    assert state.status == "arrived" and state.legs_done == 2


def test_eta_narrows_as_milestones_pass() -> None:
    """The P90-P50 spread of the ETA shrinks from handover to customs release."""
    events = _journey()
    spreads = []
    for k in (0, 1, 2, 4):
        s = fold(events[: k + 1], SEA, events[k].event_time)
        assert s.eta is not None and s.eta_p90 is not None
        spreads.append((s.eta_p90 - s.eta) / DAY)
    assert spreads == sorted(spreads, reverse=True) and spreads[-1] < spreads[0] / 2


def test_legs_fit_the_lane_p50_and_p90() -> None:
    """The fitted legs' sum has the lane's P50 and P90 (within 1 %)."""
    fit = fit_legs("air", 8, 12)
    total = fit.samples.sum(axis=1)
    assert abs(np.median(total) - 8) < 0.08 and abs(np.quantile(total, 0.9) - 12) < 0.12
    assert remaining_days(fit, 0, 0)[0] > remaining_days(fit, 2, 0)[0] > 0


def test_late_against_p90_and_stuck_in_customs_are_exceptions() -> None:
    """Past handover + P90 is late; a long customs hold is customs_stuck."""
    events = _journey()[:4]
    state = fold(events, SEA, T0 + 25 * DAY)
    assert exceptions_of(state, SEA, T0 + 25 * DAY) == []
    assert exceptions_of(state, SEA, T0 + 38 * DAY) == ["customs_stuck"]
    assert exceptions_of(state, SEA, T0 + 46 * DAY) == ["late", "customs_stuck"]
    done = fold(_journey(), SEA, T0 + 60 * DAY)
    assert exceptions_of(done, SEA, T0 + 60 * DAY) == []
