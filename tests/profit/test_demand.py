from __future__ import annotations

import numpy as np
import pytest

from worldpool.errors import InputError
from worldpool.profit import DemandParams, MarketHistory, TitleIndex, expected_revenue
from worldpool.profit.rank import MarketOption, rank_markets

MARKETS = ("UK", "DE", "FR", "JP")
TITLES = (
    "red ceramic mug",
    "blue ceramic mug",
    "green ceramic mug",
    "wooden garden chair",
    "oak garden chair",
)
# Mugs sell in UK and Japan; chairs in UK, Germany and France.
REVENUE = np.array(
    [
        [100.0, 0.0, 0.0, 0.0],  # the target: only its largest market known
        [100.0, 0.0, 2.0, 60.0],
        [100.0, 1.0, 0.0, 40.0],
        [100.0, 70.0, 50.0, 0.0],
        [100.0, 80.0, 40.0, 0.0],
    ]
)


def _history() -> MarketHistory:
    return MarketHistory(("T", "B", "G", "W", "O"), MARKETS, REVENUE, REVENUE.copy())


def test_similar_products_point_to_their_markets() -> None:
    """A mug is expected in Japan (where mugs sell), a chair in Germany."""
    index = TitleIndex(TITLES)
    history = _history()
    mug = expected_revenue(
        history, REVENUE[0], index.similarity("white ceramic mug"), exclude=0
    )
    chair = expected_revenue(
        history, REVENUE[0], index.similarity("pine garden chair"), exclude=0
    )
    assert mug[0] == 0.0 and chair[0] == 0.0  # known market left out
    assert int(np.argmax(mug)) == MARKETS.index("JP")
    assert int(np.argmax(chair)) == MARKETS.index("DE")


def test_without_similar_titles_the_market_prior_speaks() -> None:
    """With no word in common the ranking follows other SKUs' recent revenue."""
    index = TitleIndex(TITLES)
    guess = expected_revenue(_history(), REVENUE[0], index.similarity("zzz"), exclude=0)
    assert list(np.argsort(-guess)[:3]) == [1, 3, 2]  # DE 151, JP 100, FR 92


def test_level_scales_with_known_sales() -> None:
    """Twice the known sales, twice the expected revenue elsewhere."""
    index = TitleIndex(TITLES)
    sim = index.similarity("white ceramic mug")
    once = expected_revenue(_history(), REVENUE[0], sim, exclude=0)
    twice = expected_revenue(_history(), 2 * REVENUE[0], sim, exclude=0)
    assert np.allclose(twice, 2 * once) and once.sum() > 0


def test_cold_start_without_any_sales_uses_neighbours() -> None:
    """A SKU that sold nowhere gets its neighbours' average revenue by market."""
    index = TitleIndex(TITLES)
    guess = expected_revenue(_history(), np.zeros(4), index.similarity("ceramic mug"))
    assert guess.sum() > 0 and int(np.argmax(guess)) == 0


def test_params_are_checked() -> None:
    """Bad settings are refused."""
    with pytest.raises(InputError):
        DemandParams(mix_exponent=-0.5)
    with pytest.raises(InputError):
        DemandParams(half_life_days=0)
    with pytest.raises(InputError):
        DemandParams(buyer_weight=-1.0)
    with pytest.raises(InputError):
        DemandParams(customer_exponent=-0.5)
    with pytest.raises(InputError):
        DemandParams(floor=0.0)


def test_rank_markets_by_risk_adjusted_profit() -> None:
    """Higher profit ranks first; variability discounts; blocked markets go last."""
    steady = MarketOption("DE", "local_fc", 20, "EUR", 5.0, 100, (), 0.05, 2, 3)
    shaky = MarketOption("BR", "origin", 20, "BRL", 5.0, 100, (), 0.05, 10, 30)
    blocked = MarketOption("US", "origin", 20, "USD", 9.0, 500, ("no batteries",))
    ranked = rank_markets([blocked, shaky, steady])
    assert [s.option.market for s in ranked] == ["DE", "BR", "US"]
    assert ranked[0].score > ranked[1].score and ranked[1].risk > ranked[0].risk
    assert ranked[2].risk == 1.0 and "no batteries" in ranked[2].why
    assert "units a month" in ranked[0].why


def test_reach_counts_similar_sellers_not_one_big_order() -> None:
    """Two similar SKUs selling a little in DE outweigh one big FR order.

    Prior (other SKUs' revenue) and the neighbours' mean revenue mix tie DE and
    FR; the neighbours' reach (two of three sold in DE, one in FR) breaks the
    tie, and a market neither big nor reached (JP) ranks last.
    """
    titles = (*TITLES[:3], "yellow ceramic mug", "oak garden chair")
    revenue = np.array(
        [
            [100.0, 0.0, 0.0, 0.0],  # the target
            [100.0, 5.0, 0.0, 5.0],
            [100.0, 0.0, 90.0, 0.0],  # one big order in France
            [100.0, 5.0, 0.0, 5.0],
            [100.0, 80.0, 0.0, 0.0],  # not similar: only the prior sees it
        ]
    )
    history = MarketHistory(("T", "B", "G", "Y", "O"), MARKETS, revenue, revenue)
    sim = TitleIndex(titles).similarity("white ceramic mug")
    guess = expected_revenue(history, revenue[0], sim, exclude=0)
    de, fr, jp = (guess[MARKETS.index(m)] for m in ("DE", "FR", "JP"))
    assert de > fr > jp > 0.0
    flat = DemandParams(reach_exponent=0.0, mix_exponent=1.0)
    tied = expected_revenue(history, revenue[0], sim, flat, exclude=0)
    assert tied[1] == pytest.approx(tied[2])  # without reach: DE and FR tie
