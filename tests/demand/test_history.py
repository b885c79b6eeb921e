"""Long frames become dense panels; stock-out days are imputed, not left at zero."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from worldpool.demand import forecast, impute_stockouts, to_panel, to_weekly
from worldpool.errors import InputError


def test_missing_days_sell_zero_and_repeats_add_up() -> None:
    """Days without a row are zero; two rows of one day are summed."""
    df = pd.DataFrame(
        {"sku": ["A", "A", "A"], "market": ["DE"] * 3,
         "date": ["2024-01-01", "2024-01-03", "2024-01-03"], "units": [2, 1, 4]}
    )  # fmt: skip
    p = to_panel(df)
    assert p.y[:, 0].tolist() == [2.0, 0.0, 5.0]
    assert p.dates[0] == pd.Timestamp("2024-01-01")
    assert not p.stockout.any()


def test_column_names_are_keyword_arguments(online_retail_small: pd.DataFrame) -> None:
    """Renamed columns are read through the *_col keywords."""
    renamed = online_retail_small.rename(columns={"sku": "item", "units": "qty"})
    p = to_panel(renamed, sku_col="item", units_col="qty")
    assert p.y.sum() == online_retail_small["units"].sum()


def test_negative_units_name_row_and_field() -> None:
    """A negative quantity raises InputError naming the row and the column."""
    df = pd.DataFrame({"sku": ["A", "A"], "market": ["DE"] * 2,
                       "date": ["2024-01-01", "2024-01-02"], "units": [1, -3]})  # fmt: skip
    with pytest.raises(InputError, match="row 2, field 'units'"):
        to_panel(df)


def test_missing_column_is_named() -> None:
    """A frame without the units column raises InputError naming it."""
    df = pd.DataFrame({"sku": ["A"], "market": ["DE"], "date": ["2024-01-01"]})
    with pytest.raises(InputError, match="'units'"):
        to_panel(df)


def _censored(days: int = 200) -> pd.DataFrame:
    dates = pd.date_range("2024-01-01", periods=days)
    out = (np.arange(days) % 10) >= 6  # out of stock 4 days in 10
    units = np.where(out, 0, 4)
    return pd.DataFrame({"sku": "A", "market": "DE", "date": dates, "units": units,
                         "stockout": out})  # fmt: skip


def test_stockout_days_are_imputed_with_the_in_stock_rate() -> None:
    """A stock-out day's zero becomes the trailing in-stock mean (4 units)."""
    p = impute_stockouts(to_panel(_censored()))
    assert np.allclose(p.y[10:, 0], 4.0)
    assert p.stockout[:, 0].sum() == 80


def test_censoring_raises_the_forecast_to_true_demand() -> None:
    """With flags the forecast is the in-stock rate; without, it is 40% too low."""
    df = _censored()
    flagged = forecast(df, horizon_days=10)
    ignored = forecast(df.drop(columns="stockout"), horizon_days=10)
    assert flagged["mean"].iloc[0] == pytest.approx(40.0, rel=0.02)
    assert ignored["mean"].iloc[0] == pytest.approx(24.0, rel=0.1)


def test_weekly_sums_whole_weeks() -> None:
    """Weeks start on Monday; partial weeks at either end are left out."""
    dates = pd.date_range("2024-01-03", "2024-01-22")  # Wednesday .. Monday
    df = pd.DataFrame({"sku": "A", "market": "DE", "date": dates, "units": 1,
                       "stockout": dates == pd.Timestamp("2024-01-10")})  # fmt: skip
    starts, units, out = to_weekly(to_panel(df))
    assert list(starts) == [pd.Timestamp("2024-01-08"), pd.Timestamp("2024-01-15")]
    assert units[:, 0].tolist() == [7.0, 7.0]
    assert out[:, 0].tolist() == [True, False]
