"""Cockpit forecast plot: one SKU x market's history and fit, full read vs per-series.

Usage::

    python benchmarks/forecast_plot.py [--series 5] [--repeat 3]

Builds the demo world (about 5,000 movements, SQLite) in a temporary folder,
takes the ``--series`` (SKU, market) pairs with the longest history and times,
for each, the two ways to get the plot's data: the whole ledger's daily history
(``history_from_ledger``) filtered to the pair, and ``series_history`` (that
SKU's journal only); each followed by the same one-series daily fit the page
draws (P10/P50/P90, 28 days). It checks that both give the same history.

Figures (medians over pairs x ``--repeat``, in ms): ``full_read_ms``,
``series_read_ms`` (history and fit) and ``speedup``. The last line is one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from worldpool.catalog import load_catalog
from worldpool.catalog.fx import load_fx
from worldpool.config import Settings
from worldpool.context import Context
from worldpool.demand import daily_forecast
from worldpool.demand.params import ForecastParams
from worldpool.demand.service import history_from_ledger, series_history
from worldpool.demo.build import build_demo
from worldpool.ledger import Ledger

PARAMS = ForecastParams(quantiles=(0.1, 0.5, 0.9))


def _full(ctx: Context, sku: str, market: str) -> pd.DataFrame:
    frame = history_from_ledger(ctx).frame
    return frame[(frame["sku"] == sku) & (frame["market"] == market)]


def _timed(
    read: Callable[[Context, str, str], pd.DataFrame],
    ctx: Context,
    sku: str,
    market: str,
) -> float:
    """Milliseconds to read one series with ``read`` and fit its daily forecast."""
    started = time.perf_counter()
    daily_forecast(read(ctx, sku, market), horizon_days=28, params=PARAMS)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    """Build the demo world, time both reads (with the fit), print the JSON figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--series", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="wp-plot-bench-")
    demo = build_demo(Path(folder.name) / "demo")
    ledger = Ledger.open(demo.database_url, load_catalog())
    ctx = Context(
        engine=ledger.engine,
        catalog=ledger.catalog,
        fx=load_fx(),
        settings=Settings(),
        seller="default",
        role="system",
    )
    whole = history_from_ledger(ctx).frame
    sizes = whole.groupby(["sku", "market"]).size().sort_values()
    pairs = [(str(s), str(m)) for s, m in sizes.index[-args.series :]]
    full: list[float] = []
    one: list[float] = []
    for sku, market in pairs:
        want = _full(ctx, sku, market).reset_index(drop=True)
        pd.testing.assert_frame_equal(series_history(ctx, sku, market), want)
        for _ in range(args.repeat):
            full.append(_timed(_full, ctx, sku, market))
            one.append(_timed(series_history, ctx, sku, market))
    movements = len(ledger.movement_rows())
    ledger.close()
    result = {
        "movements": movements,
        "series": len(pairs),
        "full_read_ms": round(statistics.median(full), 1),
        "series_read_ms": round(statistics.median(one), 1),
        "speedup": round(statistics.median(full) / statistics.median(one), 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
