"""Window forecasts: quantile frame, calibration, horizons and cold start."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.demand.conftest import poisson_frame
from worldpool.demand import ForecastParams, daily_forecast, forecast
from worldpool.demand.calibrate import consistent_quantiles

Q = ["p50", "p80", "p90", "p95", "p99"]


def test_frame_has_planner_columns(online_retail_small: pd.DataFrame) -> None:
    """One row per series with mean, P50-P99, model, segment, ABC and why."""
    out = forecast(online_retail_small, horizon_days=14)
    pairs = online_retail_small[["sku", "market"]].drop_duplicates()
    assert len(out) == len(pairs)
    assert list(out.columns[:5]) == ["sku", "market", "horizon_start",
                                     "horizon_days", "lead_days"]  # fmt: skip
    assert set(Q) <= set(out.columns)
    assert (out["source"] == "history").all()
    assert out["why"].str.contains("backtest|no demand").all()
    assert set(out["abc"]) <= {"A", "B", "C"}


def test_quantiles_are_whole_increasing_and_non_negative(
    online_retail_small: pd.DataFrame,
) -> None:
    """P50 <= P80 <= ... <= P99, all whole units >= 0."""
    q = forecast(online_retail_small, horizon_days=35)[Q].to_numpy()
    assert (np.diff(q, axis=1) >= 0).all()
    assert (q >= 0).all() and (q == np.round(q)).all()


LEVELS = np.array([0.5, 0.8, 0.9, 0.95, 0.99])


def test_quantiles_are_consistent_with_the_mean(
    online_retail_small: pd.DataFrame,
) -> None:
    """No quantile exceeds mean / (1 - level) (Markov); a mean of 0 has all 0."""
    for days in (7, 28):
        out = forecast(online_retail_small, horizon_days=days)
        q = out[Q].to_numpy()
        mean = out["mean"].to_numpy()
        assert (q <= mean[:, None] / (1 - LEVELS) + 1e-9).all()
        assert (q[mean == 0] == 0).all()
        daily = daily_forecast(online_retail_small, horizon_days=days)
        dq = daily[Q].to_numpy()
        dm = daily["mean"].to_numpy()
        assert (dq <= dm[:, None] / (1 - LEVELS) + 1e-9).all()
        assert (dq[dm == 0] == 0).all()


def test_consistent_quantiles_caps_a_zero_mean() -> None:
    """The demo's mean 0 with P90 193 and P99 488 becomes all zeros."""
    levels = (0.5, 0.9, 0.99)
    raw = np.array([[0.0, 193.0, 488.0], [3.2, 9.6, 40.4]])
    out = consistent_quantiles(raw, np.array([0.0, 4.0]), levels)
    assert out[0].tolist() == [0.0, 0.0, 0.0]
    # 4 units: P50 <= 8, P90 <= 40, P99 <= 400; whole units, increasing.
    assert out[1].tolist() == [3.0, 10.0, 40.0]


def test_same_input_same_output(online_retail_small: pd.DataFrame) -> None:
    """The forecast is deterministic."""
    a = forecast(online_retail_small, horizon_days=21)
    b = forecast(online_retail_small, horizon_days=21)
    pd.testing.assert_frame_equal(a, b)


def test_lead_days_shift_the_window() -> None:
    """A 10-day lead starts the window 10 days later; the mean is still 14 days'."""
    df = poisson_frame({("A", "DE"): 3.0})
    a = forecast(df, horizon_days=14)
    b = forecast(df, horizon_days=14, lead_days=10)
    gap = pd.Timestamp(b["horizon_start"][0]) - pd.Timestamp(a["horizon_start"][0])
    assert gap.days == 10
    assert b["mean"][0] == pytest.approx(a["mean"][0], rel=0.2)


def test_longer_window_has_more_demand() -> None:
    """A 28-day window holds about twice the demand of a 14-day one."""
    df = poisson_frame({("A", "DE"): 3.0, ("B", "DE"): 0.4})
    a = forecast(df, horizon_days=14)
    b = forecast(df, horizon_days=28)
    assert np.allclose(b["mean"] / a["mean"], 2.0, rtol=0.05)
    assert (b["p90"] > a["p90"]).all()


def test_p90_covers_about_90_percent_of_unseen_windows() -> None:
    """On 60 Poisson series, the P90 of 14 unseen days covers 80-97% of them."""
    rng = np.random.default_rng(3)
    rates = {(f"S{i}", "DE"): float(r) for i, r in enumerate(rng.gamma(1.0, 2.0, 60))}
    df = poisson_frame(rates, days=414, seed=11)
    cut = pd.Timestamp("2024-01-01") + pd.Timedelta(days=399)
    train, test = df[df["date"] <= cut], df[df["date"] > cut]
    out = forecast(train, horizon_days=14)
    actual = test.groupby("sku")["units"].sum().reindex(out["sku"]).to_numpy()
    share = float(np.mean(actual <= out["p90"].to_numpy()))
    assert 0.8 <= share <= 0.97


def test_daily_forecast_one_row_per_series_day(
    online_retail_small: pd.DataFrame,
) -> None:
    """The daily frame has horizon rows per series, dated after the history."""
    out = daily_forecast(online_retail_small, horizon_days=7)
    n = online_retail_small[["sku", "market"]].drop_duplicates().shape[0]
    assert len(out) == 7 * n
    assert pd.Timestamp(out["date"].min()) == pd.Timestamp("2011-12-10")
    assert (out["p99"] >= out["p50"]).all()


def test_custom_quantile_levels() -> None:
    """ForecastParams.quantiles decides the quantile columns."""
    out = forecast(poisson_frame({("A", "DE"): 2.0}), horizon_days=7,
                   params=ForecastParams(quantiles=(0.1, 0.975)))  # fmt: skip
    assert {"p10", "p97.5"} <= set(out.columns) and "p50" not in out.columns


def test_bad_params_are_refused() -> None:
    """Quantile levels outside (0, 1) are refused."""
    with pytest.raises(ValueError, match="quantiles"):
        ForecastParams(quantiles=(0.5, 1.0))


class TestColdStart:
    """New (sku, market) pairs borrow a rate and say where from."""

    def _history(self) -> pd.DataFrame:
        return poisson_frame(
            {
                ("A", "DE"): 4.0,
                ("A", "FR"): 2.0,
                ("B", "DE"): 6.0,
                ("B", "US"): 10.0,
                ("C", "US"): 2.0,
            }
        )

    def test_same_sku_in_other_markets_scaled_by_market_size(self) -> None:
        """A in US borrows A's DE+FR rate times US size / (DE+FR size)."""
        out = forecast(self._history(), horizon_days=10, new_pairs=[("A", "US")])
        row = out[(out["sku"] == "A") & (out["market"] == "US")].iloc[0]
        # Sizes: DE = 4 + 6, FR = 2, US = 10 + 2 units/day; A sells 6 in DE+FR.
        assert row["source"] == "sku_other_markets"
        assert row["mean"] == pytest.approx(6.0 * 12 / 12 * 10, rel=0.15)
        assert "scaled by market size" in row["why"]

    def test_new_sku_borrows_from_its_category_in_the_market(self) -> None:
        """A brand-new SKU takes the mean rate of its category's SKUs there."""
        out = forecast(self._history(), horizon_days=10, new_pairs=[("N", "US")],
                       categories={"N": "mugs", "B": "mugs", "C": "mugs"})  # fmt: skip
        row = out[out["sku"] == "N"].iloc[0]
        assert row["source"] == "category_in_market"
        assert row["mean"] == pytest.approx(60.0, rel=0.15)
        assert row["p99"] > row["p50"]

    def test_unknown_sku_and_category_use_the_market_median(self) -> None:
        """Without any relative, the pair gets the market's median SKU rate."""
        out = forecast(self._history(), horizon_days=10, new_pairs=[("Z", "DE")])
        row = out[out["sku"] == "Z"].iloc[0]
        assert row["source"] == "market" and row["model"] == "cold_start"

    def test_pairs_with_history_are_not_cold(self) -> None:
        """Asking for a pair that has history changes nothing."""
        h = self._history()
        out = forecast(h, horizon_days=10, new_pairs=[("A", "DE")])
        assert len(out) == 5 and (out["source"] == "history").all()


def test_polars_in_polars_out(online_retail_small: pd.DataFrame) -> None:
    """A polars frame gives a polars frame with the same numbers."""
    pl = pytest.importorskip("polars")
    got = forecast(pl.from_pandas(online_retail_small), horizon_days=14)
    assert isinstance(got, pl.DataFrame)
    want = forecast(online_retail_small, horizon_days=14)
    assert got["p90"].to_list() == want["p90"].tolist()


def test_short_history_says_no_backtest() -> None:
    """With 20 days of history the row says the default model was used."""
    out = forecast(poisson_frame({("A", "DE"): 3.0}, days=20), horizon_days=7)
    assert out["why"][0].startswith("default") and "too few" in out["why"][0]
    assert out["p99"][0] > out["p50"][0]
