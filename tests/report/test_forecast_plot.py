"""The quantile-fan plot renders to PNG and to a self-contained HTML page."""

from __future__ import annotations

import pandas as pd
import pytest

from worldpool.demand import daily_forecast
from worldpool.report import fan_chart_html, fan_chart_png

DATA = "tests/data/online_retail_small.csv"


@pytest.fixture(scope="module")
def series() -> tuple[pd.DataFrame, pd.DataFrame]:
    """History and daily forecast of the busiest real series (one SKU in the UK)."""
    df = pd.read_csv(DATA, dtype={"sku": str})
    sku = df[df["market"] == "UK"].groupby("sku")["units"].sum().idxmax()
    one = df[(df["sku"] == sku) & (df["market"] == "UK")]
    daily = daily_forecast(df[df["sku"] == sku], horizon_days=14)
    return one, daily[daily["market"] == "UK"]


def test_png(series: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """The PNG bytes start with the PNG signature."""
    png = fan_chart_png(*series, title="fan")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_html_inlines_the_chart_and_table(
    series: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """The page holds the escaped title, the inline image and the P99 column."""
    page = fan_chart_html(*series, title="SKU <x> in UK")
    assert "SKU &lt;x&gt; in UK" in page
    assert "data:image/png;base64," in page
    assert "p99" in page
