import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from worldpool.assistant import StockoutInputs, moments_from_quantiles, stockout_risk


def _inputs(
    on_hand: float,
    mean: float = 2.0,
    var: float = 4.0,
    share: float = 0.6,
    arrivals: np.ndarray | None = None,
    h: int = 14,
) -> StockoutInputs:
    return StockoutInputs(
        mean=np.array([mean]),
        var=np.array([var]),
        on_hand=np.array([on_hand]),
        arrivals=np.zeros((h, 1)) if arrivals is None else arrivals,
        unit_margin=np.array([3.0]),
        sale_share=np.array([share]),
    )


def test_empty_shelf_runs_out_as_soon_as_a_shopper_comes() -> None:
    """With no stock and nothing arriving, the risk is P(any sale within the horizon)."""
    risk = stockout_risk(_inputs(0.0, share=0.1))
    assert np.isclose(risk.probability[0], 1 - 0.9**14)


def test_deep_stock_is_safe() -> None:
    """A year of cover gives (almost) no risk and no money at risk."""
    risk = stockout_risk(_inputs(730.0))
    assert risk.probability[0] < 1e-6 and risk.money_at_risk[0] < 1e-6


def test_an_arrival_before_the_shelf_empties_lowers_the_risk() -> None:
    """Stock landing on day 2 cuts the risk of a shelf that would last ~5 days."""
    arrivals = np.zeros((14, 1))
    arrivals[2, 0] = 100.0
    without = stockout_risk(_inputs(10.0)).probability[0]
    with_arrival = stockout_risk(_inputs(10.0, arrivals=arrivals)).probability[0]
    assert with_arrival < without / 2


def test_money_at_risk_is_expected_shortfall_times_margin() -> None:
    """Money at risk = expected units short over the horizon x unit margin."""
    risk = stockout_risk(_inputs(5.0))
    assert risk.expected_short[0] > 10
    assert np.isclose(risk.money_at_risk[0], risk.expected_short[0] * 3.0)


def test_pairs_without_demand_carry_no_risk() -> None:
    """A pair nobody buys cannot run out."""
    risk = stockout_risk(_inputs(0.0, mean=0.0, var=0.0, share=0.0))
    assert risk.probability[0] == 0.0 and np.isinf(risk.days_of_cover[0])


@settings(max_examples=40, deadline=None)
@given(
    st.floats(0.05, 20),
    st.floats(0.1, 4.0),
    st.floats(0.05, 1.0),
    st.floats(0, 200),
    st.floats(0, 50),
)
def test_more_stock_never_raises_the_risk(
    mean: float, cv2: float, share: float, stock: float, extra: float
) -> None:
    """Risk and money at risk fall (weakly) as stock on hand rises."""
    lo = stockout_risk(_inputs(stock, mean, cv2 * mean * mean, share))
    hi = stockout_risk(_inputs(stock + extra, mean, cv2 * mean * mean, share))
    assert hi.probability[0] <= lo.probability[0] + 1e-9
    assert hi.money_at_risk[0] <= lo.money_at_risk[0] + 1e-9
    assert 0.0 <= lo.probability[0] <= 1.0


def test_moments_from_quantiles_recover_a_normal_forecast() -> None:
    """p10/p50/p90 of a normal window total give back its daily mean and variance."""
    levels = np.array([0.1, 0.5, 0.9])
    total_mean, total_sd = 140.0, 20.0
    values = np.array(
        [
            [total_mean - 1.2815516 * total_sd],
            [total_mean],
            [total_mean + 1.2815516 * total_sd],
        ]
    )
    mean, var = moments_from_quantiles(levels, values, 14.0)
    assert np.isclose(mean[0], 10.0) and np.isclose(var[0], 400.0 / 14.0, rtol=1e-4)
