"""Forecast accuracy on a held-back last 28 days: default pipeline vs statsforecast.

Usage::

    python benchmarks/forecast_accuracy.py                       # M5 subset
    python benchmarks/forecast_accuracy.py --data DIR --horizon 28

Reads ``DIR/daily_units_long.csv.gz`` (``sku, market, date, units``; missing
days are 0). The last ``--horizon`` days are cut off before anything is fitted
and used only for scoring. Scores (daily, per series, as in M5 level 12):

* ``wrmsse`` -- the default pipeline (``worldpool.demand.daily_forecast``);
* ``wrmsse_snaive`` -- statsforecast ``SeasonalNaive(7)``;
* ``wrmsse_best_single`` -- the best of the statsforecast models ``CrostonSBA``,
  ``TSB``, ``ADIDA``, ``IMAPA``, ``SimpleExponentialSmoothingOptimized``,
  ``WindowAverage(28)`` and ``AutoETS(7)`` (fit on the last two years), each on
  its own; its name is ``best_single``;
* ``coverage_90`` -- share of held-back days inside the pipeline's daily
  P5-P95 interval; ``coverage_90_total`` the same for the 28-day totals.

Weights (``weights`` says which): revenue of the last 28 training days from
``weights_evaluation.csv`` (the M5 organisers' level-12 ``Dollar_Sales``) when
the folder has it, else units x last price from ``sell_prices.csv.gz``, else
units of the last 28 training days.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast import models as sf

from worldpool.demand import ForecastParams, daily_forecast, forecast, rmsse, wrmsse

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/demand/m5_subset"


def _weights(folder: Path, keys: pd.MultiIndex, train: np.ndarray) -> tuple:
    units = train[-28:].sum(axis=0)
    w_file = folder / "weights_evaluation.csv"
    if w_file.exists():
        w = pd.read_csv(w_file)
        w = w[w["Level_id"] == "Level12"].set_index(["Agg_Level_1", "Agg_Level_2"])
        dollars = w["Dollar_Sales"].reindex(keys).to_numpy(dtype=float)
        if not np.isnan(dollars).any():
            return dollars, "revenue (M5 level-12 Dollar_Sales of the last 28 days)"
    p_file = folder / "sell_prices.csv.gz"
    if p_file.exists():
        p = pd.read_csv(p_file).sort_values("wm_yr_wk")
        last = p.groupby(["item_id", "store_id"])["sell_price"].last()
        price = last.reindex(keys).to_numpy(dtype=float)
        if not np.isnan(price).any():
            return units * price, "revenue (units x last price)"
    return units, "units of the last 28 training days"


def _statsforecast(train_long: pd.DataFrame, h: int) -> pd.DataFrame:
    df = train_long.rename(columns={"date": "ds", "units": "y"})
    df["unique_id"] = df["sku"] + "/" + df["market"]
    df = df[["unique_id", "ds", "y"]]
    models = [
        sf.SeasonalNaive(7),
        sf.CrostonSBA(),
        sf.TSB(alpha_d=0.1, alpha_p=0.1),
        sf.ADIDA(),
        sf.IMAPA(),
        sf.SimpleExponentialSmoothingOptimized(),
        sf.WindowAverage(28),
    ]
    out = StatsForecast(models=models, freq="D", n_jobs=1).forecast(df=df, h=h)
    recent = df[df["ds"] > df["ds"].max() - pd.Timedelta(days=730)]
    ets = StatsForecast(models=[sf.AutoETS(season_length=7)], freq="D", n_jobs=1)
    return out.merge(ets.forecast(df=recent, h=h), on=["unique_id", "ds"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--horizon", type=int, default=28)
    args = ap.parse_args()
    h = args.horizon
    long = pd.read_csv(args.data / "daily_units_long.csv.gz", parse_dates=["date"],
                       dtype={"sku": str, "market": str})  # fmt: skip
    long = long[["sku", "market", "date", "units"]]
    wide = long.pivot_table(index="date", columns=["sku", "market"], values="units",
                            aggfunc="sum").asfreq("D").fillna(0.0)  # fmt: skip
    cut = wide.index[-h - 1]
    y = wide.to_numpy(dtype=float)
    train, test = y[:-h], y[-h:]
    train_long = long[long["date"] <= cut]
    weights, how = _weights(args.data, wide.columns, train)

    t0 = time.perf_counter()
    levels = (0.05, 0.5, 0.8, 0.9, 0.95, 0.99)
    params = ForecastParams(quantiles=levels)
    daily = daily_forecast(train_long, horizon_days=h, params=params)
    secs = time.perf_counter() - t0
    idx = pd.MultiIndex.from_arrays([daily["sku"], daily["market"]])
    order = wide.columns.get_indexer(idx.unique())
    n = wide.shape[1]

    def as_matrix(col: str) -> np.ndarray:
        m = np.empty((h, n))
        m[:, order] = daily[col].to_numpy().reshape(-1, h).T
        return m

    mean = as_matrix("mean")
    cover = float(np.mean((test >= as_matrix("p5")) & (test <= as_matrix("p95"))))
    totals = forecast(train_long, horizon_days=h, params=params)
    keys = pd.MultiIndex.from_frame(totals[["sku", "market"]])
    actual_tot = test.sum(axis=0)[wide.columns.get_indexer(keys)]
    inside = (actual_tot >= totals["p5"]) & (actual_tot <= totals["p95"])
    cover_tot = float(np.mean(inside))

    fc = _statsforecast(train_long, h)
    scores, plain = {}, {}
    for model in [c for c in fc.columns if c not in ("unique_id", "ds")]:
        piv = fc.pivot(index="ds", columns="unique_id", values=model)
        cols = [f"{s}/{m}" for s, m in wide.columns]
        pred = piv[cols].to_numpy(dtype=float)
        scores[model] = wrmsse(test, pred, train, weights)
        plain[model] = float(np.nanmean(rmsse(test, pred, train)))
        print(f"{model:<40} WRMSSE {scores[model]:.4f}", file=sys.stderr)
    seg = np.empty(n, dtype=object)
    seg[wide.columns.get_indexer(keys)] = totals["segment"].to_numpy()
    snaive = fc.pivot(index="ds", columns="unique_id", values="SeasonalNaive")
    snaive_m = snaive[[f"{s}/{m}" for s, m in wide.columns]].to_numpy(dtype=float)
    lo, hi = as_matrix("p5"), as_matrix("p95")
    by_segment = {}
    for g in sorted(set(seg)):
        c = seg == g
        by_segment[g] = {
            "series": int(c.sum()),
            "wrmsse": round(wrmsse(test[:, c], mean[:, c], train[:, c], weights[c]), 4),
            "wrmsse_snaive": round(
                wrmsse(test[:, c], snaive_m[:, c], train[:, c], weights[c]), 4
            ),
            "coverage_90": round(
                float(np.mean((test[:, c] >= lo[:, c]) & (test[:, c] <= hi[:, c]))), 4
            ),
        }
    singles = {k: v for k, v in scores.items() if k != "SeasonalNaive"}
    best = min(singles, key=lambda k: singles[k])
    ours = wrmsse(test, mean, train, weights)
    print(f"{'worldpool default pipeline':<40} WRMSSE {ours:.4f}", file=sys.stderr)
    result = {
        "data": str(args.data),
        "series": n,
        "horizon_days": h,
        "weights": how,
        "wrmsse": round(ours, 4),
        "wrmsse_snaive": round(scores["SeasonalNaive"], 4),
        "wrmsse_best_single": round(scores[best], 4),
        "best_single": best,
        "improvement_vs_snaive": round(1 - ours / scores["SeasonalNaive"], 4),
        "rmsse": round(float(np.nanmean(rmsse(test, mean, train))), 4),
        "rmsse_snaive": round(plain["SeasonalNaive"], 4),
        "rmsse_best_single": round(plain[best], 4),
        "coverage_90": round(cover, 4),
        "coverage_90_total": round(cover_tot, 4),
        "pipeline_seconds": round(secs, 2),
        "by_segment": by_segment,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
