import numpy as np

from worldpool.assistant import StockoutInputs, stockout_risk
from worldpool.assistant.occurrence import (
    OccurrenceTable,
    SaleCounts,
    cached_fit,
    fit_occurrence,
    history_cells,
    sale_counts,
)


def _sporadic_world(days: int = 240, pairs: int = 400, seed: int = 1) -> np.ndarray:
    """Half the pairs sell every other day; the other half are one-off buyers.

    A one-off pair sells once at a random day and never again.
    """
    rng = np.random.default_rng(seed)
    hist = np.zeros((days, pairs))
    steady = pairs // 2
    hist[:, :steady] = rng.uniform(size=(days, steady)) < 0.5
    once = rng.integers(0, days, pairs - steady)
    hist[once, np.arange(steady, pairs)] = 3.0
    return hist


def test_a_one_off_buyer_is_given_the_return_rate_the_past_shows() -> None:
    """A pair that sold once 10 days ago gets ~0 chance of a sale, not its trailing rate.

    On this seller's past no one-off pair ever came back, so the learned
    14-day chance of a sale is far below the 1 - (1 - 1/28)^14 = 40 % that a
    28-day rate implies; a steady seller keeps a near-certain one.
    """
    hist = _sporadic_world()
    table = fit_occurrence(hist, window=91, horizon=14)
    once = SaleCounts(
        last_7=np.array([0.0]),
        last_28=np.array([1.0]),
        window=np.array([1.0]),
        recency=np.array([10.0]),
    )
    p_once = 1 - (1 - table.daily(history_cells(once))[0]) ** 14
    steady = sale_counts(hist[:, :1], window=91)
    p_steady = 1 - (1 - table.daily(history_cells(steady))[0]) ** 14
    assert p_once < 0.1 < 0.95 < p_steady


def test_an_unseen_history_borrows_the_rate_of_its_segment() -> None:
    """A cell with no pair-days gets its parent's rate; a well-filled cell its own."""
    table = OccurrenceTable(horizon=14)
    base = SaleCounts(
        np.array([0.0]), np.array([2.0]), np.array([5.0]), np.array([3.0])
    )
    seen = history_cells(base)
    table.add(np.repeat(seen, 1000), np.arange(1000) < 900)  # 90 % come back
    unseen = history_cells(
        SaleCounts(np.array([1.0]), np.array([2.0]), np.array([5.0]), np.array([1.0]))
    )
    rates = table.within_horizon()
    assert abs(rates[seen[0]] - 0.9) < 0.01
    assert abs(rates[unseen[0]] - rates[seen[0]]) < 0.05  # same 28 / 91-day segment
    other = history_cells(
        SaleCounts(np.array([0.0]), np.array([0.0]), np.array([1.0]), np.array([80.0]))
    )
    assert rates[other[0]] < 0.9  # a different segment is not dragged to 90 %


def test_only_mornings_with_a_known_outcome_are_learned() -> None:
    """Mornings in the last ``horizon`` days (their next 14 days unknown) are not filed."""
    hist = np.zeros((60, 1))
    hist[::5, 0] = 1.0  # a sale every 5th day
    table = fit_occurrence(hist, window=91, horizon=14)
    # Live mornings: from day 1 (after the first sale) to day 60 - 14 = 46.
    assert table.days.sum() == 46
    assert table.hits.sum() == 46  # a sale always follows within 14 days
    weekly = fit_occurrence(hist, window=91, horizon=14, stride=7)
    assert weekly.days.sum() == 7  # mornings 1, 8, ..., 43


def test_the_calibrated_shopper_sets_the_risk_of_an_empty_shelf() -> None:
    """With no stock, the risk is P(a shopper within the horizon) at the shopper's rate."""
    inputs = StockoutInputs(
        mean=np.array([2.0]),
        var=np.array([4.0]),
        on_hand=np.array([0.0]),
        arrivals=np.zeros((14, 1)),
        unit_margin=np.array([1.0]),
        sale_share=np.array([0.5]),
        shopper=np.array([0.01]),
    )
    assert np.isclose(stockout_risk(inputs).probability[0], 1 - 0.99**14)


def test_the_service_reads_a_steady_pair_as_likelier_to_sell_than_a_one_off() -> None:
    """From ledger-shaped history rows, a daily seller gets a higher shopper chance."""
    from datetime import UTC, datetime, timedelta

    import pandas as pd

    from worldpool.assistant._state import _shoppers

    now = datetime(2026, 6, 1, 9, tzinfo=UTC)
    days = [(now - timedelta(days=d)).date() for d in range(1, 200)]
    rows = [("MUG", "DE", day, 2) for day in days]
    rows += [(f"ODD-{i}", "DE", days[(i * 7) % 199], 40) for i in range(60)]
    history = pd.DataFrame(rows, columns=["sku", "market", "date", "units"])
    shoppers = _shoppers(history, now, window=91, horizon=14)
    assert shoppers[("MUG", "DE")] > 0.5
    recent_one_off = shoppers[("ODD-0", "DE")]  # sold yesterday, once
    assert recent_one_off < 0.05


def test_the_table_is_learned_once_per_history_version() -> None:
    """Readings over the same sale days reuse one table; a new sale day re-learns it."""
    hist = _sporadic_world(days=120, pairs=50, seed=3)
    first = cached_fit(hist, window=91, horizon=14)
    again = cached_fit(hist.copy() * 2.0, window=91, horizon=14)  # same sale days
    assert again is first
    changed = hist.copy()
    changed[5, -1] = 1.0 - float(changed[5, -1] > 0)  # one day's sale flips
    other = cached_fit(changed, window=91, horizon=14)
    assert other is not first
    fresh = fit_occurrence(changed, window=91, horizon=14, stride=7)
    assert np.array_equal(other.hits, fresh.hits)
    assert np.array_equal(other.days, fresh.days)
    assert cached_fit(hist, window=91, horizon=7) is not first  # another horizon
