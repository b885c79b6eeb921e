from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from worldpool.plan import allocate, round_to_packs


def _case(need: list[int], supply: int, cu: list[float]) -> np.ndarray:
    n = len(need)
    return allocate(
        np.array(need, np.int64),
        np.zeros(n, np.int64),
        np.array([supply]),
        np.zeros(n, np.int64),
        np.array(cu, float),
        np.full(n, 0.5),
        np.array(need, float) * 0.8,
        np.array(need, float) * 2.0 + 1.0,
        np.ones(n, np.int64),
    )


def test_enough_stock_gives_every_fc_its_need() -> None:
    """When the hub holds enough, allocation equals the need."""
    assert _case([10, 5, 0], 100, [5.0, 5.0, 5.0]).tolist() == [10, 5, 0]


def test_short_stock_goes_to_the_higher_value_fc() -> None:
    """Under shortage the FC with the higher underage cost gets more units."""
    got = _case([40, 40], 30, [20.0, 2.0])
    assert got.sum() <= 30 and got[0] > got[1]


@settings(max_examples=60, deadline=None)
@given(
    need=st.lists(st.integers(0, 60), min_size=1, max_size=8),
    supply=st.integers(0, 200),
    pack=st.sampled_from([1, 2, 6]),
    seed=st.integers(0, 1000),
)
def test_allocation_never_exceeds_hub_stock(
    need: list[int], supply: int, pack: int, seed: int
) -> None:
    """Allocations are whole packs, at most the need, and never above supply."""
    rng = np.random.default_rng(seed)
    n = len(need)
    want = np.array(need, np.int64) * pack
    got = allocate(
        want,
        np.zeros(n, np.int64),
        np.array([supply]),
        rng.integers(0, 5, n),
        rng.uniform(0.1, 10, n),
        rng.uniform(0.1, 2, n),
        rng.uniform(0, 50, n),
        rng.uniform(1, 100, n),
        np.full(n, pack),
    )
    assert got.sum() <= max(supply, 0) or got.sum() == want.sum() <= supply
    assert (got <= want).all() and (got >= 0).all() and (got % pack == 0).all()


def test_round_to_packs_rounds_half_up() -> None:
    """Quantities round to the nearest whole case, half a case up."""
    got = round_to_packs(
        np.array([0.0, 2.9, 3.0, 8.9, -4.0]), np.array([6, 6, 6, 6, 6])
    )
    assert got.tolist() == [0, 0, 6, 6, 0]
