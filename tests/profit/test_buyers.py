from __future__ import annotations

import numpy as np
import pytest

from worldpool.profit import BuyerIndex, DemandParams, MarketHistory, expected_revenue

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
