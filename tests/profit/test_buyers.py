from __future__ import annotations

import numpy as np
import pytest

from worldpool.profit import (
    BuyerIndex,
    DemandParams,
    MarketHistory,
    buyer_counts,
    expected_revenue,
)

MARKETS = ("UK", "DE", "FR")


def test_cosine_of_buyer_sets() -> None:
    """Shared buyers give cosine overlap; repeats count once; unknown buyers none."""
    index = BuyerIndex(3, [(0, "a"), (0, "b"), (0, "b"), (1, "b"), (2, "c")])
    sim = index.similarity(["a", "b"])
    assert sim[0] == pytest.approx(1.0)
    assert sim[1] == pytest.approx(1 / np.sqrt(2))
    assert sim[2] == 0.0
    assert not index.similarity(["zz"]).any()
    assert not index.similarity([]).any()


def test_co_buyers_point_to_their_markets_without_common_words() -> None:
    """No title similarity, but the SKU's UK buyers also buy SKU 2, which sells in FR."""
    revenue = np.array(
        [
            [100.0, 0.0, 0.0],  # the target
            [100.0, 90.0, 0.0],  # other buyers; sells in Germany
            [100.0, 0.0, 40.0],  # same buyers as the target; sells in France
        ]
    )
    history = MarketHistory(("T", "A", "B"), MARKETS, revenue, revenue)
    buyers = BuyerIndex(3, [(0, "u1"), (0, "u2"), (1, "u9"), (2, "u1"), (2, "u2")])
    none = np.zeros(3)
    titles_only = expected_revenue(history, revenue[0], none, exclude=0)
    with_buyers = expected_revenue(
        history, revenue[0], none, exclude=0, buyers=buyers.similarity(["u1", "u2"])
    )
    assert int(np.argmax(titles_only)) == 1  # the prior: Germany is bigger
    assert int(np.argmax(with_buyers)) == 2  # the co-buyers' market
    off = DemandParams(buyer_weight=0.0)
    unchanged = expected_revenue(
        history, revenue[0], none, off, exclude=0, buyers=buyers.similarity(["u1"])
    )
    assert np.allclose(unchanged, titles_only)


def test_buyer_counts_are_distinct_buyers_per_market() -> None:
    """Repeat purchases count once; a market outside the columns is left out."""
    counts = buyer_counts(
        2,
        ("UK", "DE"),
        [
            (0, "a", "UK"),
            (0, "a", "UK"),
            (0, "b", "UK"),
            (1, "c", "DE"),
            (1, "x", "US"),
        ],
    )
    assert counts.tolist() == [[2.0, 0.0], [0.0, 1.0]]
    assert not buyer_counts(1, ("UK",), []).any()


def test_customer_reach_prefers_the_market_where_more_buyers_take_co_bought_items() -> (
    None
):
    """The co-bought SKU earns the same in DE (one buyer) and FR (three buyers).

    Prior, mix and reach tie DE and FR; the customer reach (three FR buyers
    already take what the target's buyers take, one in DE) puts FR first.
    """
    markets = ("UK", "DE", "FR", "NL")
    revenue = np.array([[100.0, 0.0, 0.0, 0.0], [100.0, 60.0, 60.0, 0.0]])
    history = MarketHistory(("T", "A"), markets, revenue, revenue)
    bought = [(0, "u1", "UK"), (0, "u2", "UK"), (1, "u1", "UK"), (1, "u2", "UK")]
    bought += [(1, "d1", "DE"), (1, "f1", "FR"), (1, "f2", "FR"), (1, "f3", "FR")]
    index = BuyerIndex(2, [(r, b) for r, b, _ in bought])
    counts = buyer_counts(2, markets, bought)
    sim, none = index.similarity(["u1", "u2"]), np.zeros(2)
    plain = expected_revenue(history, revenue[0], none, exclude=0, buyers=sim)
    reach = expected_revenue(
        history, revenue[0], none, exclude=0, buyers=sim, customers=counts
    )
    assert plain[1] == pytest.approx(plain[2])
    assert reach[2] > reach[1] > reach[3] and reach[0] == 0.0
    assert reach.sum() == pytest.approx(plain.sum())  # the level is unchanged
    off = DemandParams(customer_exponent=0.0)
    same = expected_revenue(
        history, revenue[0], none, off, exclude=0, buyers=sim, customers=counts
    )
    assert np.allclose(same, plain)
