"""Variants of the default forecast and their head-room, over many 28-day periods.

Usage::

    python benchmarks/forecast_variants.py --drop-last-days 28 --periods 12
    python benchmarks/forecast_variants.py --data DIR --cache /tmp/sf_scores

For each of ``--periods`` back-to-back periods (the latest ending
``--drop-last-days`` before the end of the data) it fits the default pipeline
(``worldpool.demand.forecast_matrix``, SKUs as groups) on the days before the
period and scores, as ``benchmarks/forecast_accuracy.py`` does (same weights,
same statsforecast models, daily WRMSSE), these forecasts relative to the
best single statsforecast model chosen with hindsight (``ratio`` < 1 is
better):

* ``default`` -- the default pipeline;
* ``<Candidate>+dow`` -- one level estimator alone (SESopt, Pooled,
  WindowAverage(28), TSB, CrostonSBA), times the weekday profile;
* ``DWA56``, ``DSES0.02`` -- slower levels: 56-day mean and SES(α=0.02) of
  weekday-adjusted demand;
* ``mean_diverse``, ``median_diverse`` -- mean and median of the seven levels
  above;
* ``winsorised`` -- the pipeline on demand capped at each series' 97th
  percentile of the last 364 days (spikes cut), errors scored on raw demand;
* ``yoy_pooled`` -- the pipeline times the all-series ratio of the 28 days a
  year (and two years) before the period to the 28 days before those;
* ``dom_pooled`` -- the pipeline reshaped within the period by a
  day-of-month profile of weekday-adjusted demand (last 728 days), pooled per
  market (3,000 pseudo-units of prior), 28-day total unchanged;

and three hindsight bounds that read the held-back days (not forecasts):

* ``oracle_segment`` -- per Syntetos-Boylan segment, the best of ``default``
  and the seven single levels;
* ``oracle_market_scale`` -- ``default`` times the best factor per market;
* ``oracle_level`` -- the pipeline's day pattern with each series' actual mean.

The last line is one JSON object: per variant the mean and worst ratio, the
number of periods with ratio <= 0.97 and the periods beaten by ``default``.
``--cache DIR`` keeps the statsforecast scores and each period's ratios (a
rerun only computes the periods not yet there).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from forecast_accuracy import DEFAULT, _statsforecast, _weights
from worldpool.demand import ForecastParams, forecast_matrix, syntetos_boylan, wrmsse
from worldpool.demand._candidates import (
    _MIN_FACTOR,
    deseasonalised_ses,
    fit_candidates,
    weekday_profile,
)
from worldpool.demand.pipeline import _first_origin

SINGLES = ("SESopt", "Pooled", "WindowAverage", "TSB", "CrostonSBA")


def _best_single(
    wide: pd.DataFrame, h: int, weights: np.ndarray, cache: Path | None
) -> float:
    """Hindsight-best statsforecast WRMSSE of the last ``h`` days (cached)."""
    key = cache / f"{wide.index[-1].date()}_{wide.shape[1]}.json" if cache else None
    if key is not None and key.exists():
        return float(json.loads(key.read_text())["best"])
    y = wide.to_numpy(dtype=float)
    fc = _statsforecast(wide.iloc[:-h], h)
    cols = [f"{s}/{m}" for s, m in wide.columns]
    best = np.inf
    for model in [
        c for c in fc.columns if c not in ("unique_id", "ds", "SeasonalNaive")
    ]:
        pred = fc.pivot(index="ds", columns="unique_id", values=model)[cols]
        best = min(best, wrmsse(y[-h:], pred.to_numpy(dtype=float), y[:-h], weights))
    if key is not None:
        key.write_text(json.dumps({"best": best}))
    return float(best)


def _dom_factor(
    x: np.ndarray, dom: np.ndarray, codes: np.ndarray, prior: float
) -> np.ndarray:
    """Day-of-month factors (31, N) of weekday-adjusted demand, shrunk to the code's."""
    rates = np.stack([x[dom == d + 1].mean(axis=0) for d in range(31)])
    tot = rates.mean(axis=0)
    out = np.ones_like(rates)
    for c in np.unique(codes):
        cols = codes == c
        pooled = rates[:, cols].sum(axis=1)
        pooled = pooled / pooled.mean() if pooled.mean() > 0 else np.ones(31)
        safe = np.where(tot[cols] > 0, tot[cols], 1.0)
        own = np.where(tot[cols] > 0, rates[:, cols] / safe, pooled[:, None])
        weight = tot[cols] * 31 / (tot[cols] * 31 + prior)
        out[:, cols] = weight * own + (1 - weight) * pooled[:, None]
    return out


def _variants(
    wide: pd.DataFrame, h: int, groups: np.ndarray, markets: np.ndarray
) -> dict:
    """Every variant's forecast of the last ``h`` days, units/day, (h, N) each."""
    y = wide.to_numpy(dtype=float)
    train, t_len = y[:-h], y.shape[0] - h
    fw = wide.index[0].weekday()

    def run(tr: np.ndarray) -> np.ndarray:
        mf = forecast_matrix(tr, first_weekday=fw, horizon_days=h, groups=groups)
        return mf.mean_path

    out = {"default": run(train)}
    wd = np.asarray((fw + np.arange(t_len + h)) % 7)
    prof = weekday_profile(train[-364:], wd[:t_len][-364:], 20.0)
    fit = fit_candidates(
        train, wd, prof, groups, _first_origin(t_len, ForecastParams())
    )
    day = prof[wd[t_len:]]
    levels = {f"{b}+dow": fit.states[b][t_len] for b in SINGLES}
    season = prof[wd[:t_len]]
    x = train / np.maximum(season, _MIN_FACTOR)
    levels["DWA56"] = x[-56:].mean(axis=0)
    levels["DSES0.02"] = deseasonalised_ses(train, season, np.full(y.shape[1], 0.02))[
        0
    ][t_len]
    out.update({k: day * v for k, v in levels.items()})
    stack = np.stack(list(levels.values()))
    out["mean_diverse"] = day * stack.mean(axis=0)
    out["median_diverse"] = day * np.median(stack, axis=0)
    cap = np.maximum(np.quantile(train[-364:], 0.97, axis=0), 1.0)
    out["winsorised"] = run(np.minimum(train, cap))
    agg = train.sum(axis=1)
    ratios = [
        agg[t_len - j : t_len - j + h].mean() / agg[t_len - j - h : t_len - j].mean()
        for j in (364, 728)
        if t_len - j - h >= 0
    ]
    out["yoy_pooled"] = out["default"] * (float(np.mean(ratios)) if ratios else 1.0)
    dom = np.asarray(wide.index.day)
    f = _dom_factor(x[-728:], dom[:t_len][-728:], markets, 3000.0)[dom[t_len:] - 1]
    out["dom_pooled"] = out["default"] * f / f.mean(axis=0)
    return out


def _period(wide: pd.DataFrame, h: int, data: Path, cache: Path | None) -> dict:
    """Ratio of every variant and bound to the hindsight-best single model."""
    keys = wide.columns
    groups = np.unique([s for s, _ in keys], return_inverse=True)[1]
    markets = np.unique([m for _, m in keys], return_inverse=True)[1]
    y = wide.to_numpy(dtype=float)
    train, test = y[:-h], y[-h:]
    weights, _ = _weights(data, keys, train)
    best = _best_single(wide, h, weights, cache)
    paths = _variants(wide, h, groups, markets)
    score = {k: wrmsse(test, v, train, weights) for k, v in paths.items()}
    seg = syntetos_boylan(train).label
    oracle = np.empty_like(test)
    for g in np.unique(seg):
        c = seg == g
        per = {k: wrmsse(test[:, c], paths[k][:, c], train[:, c], weights[c])
               for k in ["default", *(n for n in paths if "+dow" in n or n[:2] == "DS"
                                      or n == "DWA56")]}  # fmt: skip
        oracle[:, c] = paths[min(per, key=lambda k: per[k])][:, c]
    score["oracle_segment"] = wrmsse(test, oracle, train, weights)
    scaled = paths["default"].copy()
    for m in np.unique(markets):
        c = markets == m
        grid = np.arange(0.7, 1.305, 0.02)
        s = [
            wrmsse(test[:, c], g * scaled[:, c], train[:, c], weights[c]) for g in grid
        ]
        scaled[:, c] *= grid[int(np.argmin(s))]
    score["oracle_market_scale"] = wrmsse(test, scaled, train, weights)
    avg = paths["default"].mean(axis=0)
    shape = np.where(avg > 0, paths["default"] / np.where(avg > 0, avg, 1.0), 1.0)
    score["oracle_level"] = wrmsse(test, shape * test.mean(axis=0), train, weights)
    return {k: v / best for k, v in score.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--horizon", type=int, default=28)
    ap.add_argument("--drop-last-days", type=int, default=28)
    ap.add_argument("--periods", type=int, default=12)
    ap.add_argument("--cache", type=Path, default=None)
    args = ap.parse_args()
    h = args.horizon
    long = pd.read_csv(args.data / "daily_units_long.csv.gz", parse_dates=["date"],
                       dtype={"sku": str, "market": str})  # fmt: skip
    wide = long.pivot_table(index="date", columns=["sku", "market"], values="units",
                            aggfunc="sum").asfreq("D").fillna(0.0)  # fmt: skip
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    rows = {}
    for k in range(args.periods):
        drop = args.drop_last_days + k * h
        part = wide.iloc[: len(wide) - drop] if drop else wide
        end = str(part.index[-1].date())
        done = (
            args.cache / f"{end}_{part.shape[1]}_variants.json" if args.cache else None
        )
        if done is not None and done.exists():
            rows[end] = json.loads(done.read_text())
        else:
            rows[end] = _period(part, h, args.data, args.cache)
            if done is not None:
                done.write_text(json.dumps(rows[end]))
        print(end, json.dumps({n: round(v, 4) for n, v in rows[end].items()}),
              file=sys.stderr, flush=True)  # fmt: skip
    df = pd.DataFrame(rows).T
    beats = df.lt(df["default"], axis=0).sum()
    summary = {
        n: {"ratio_mean": round(float(df[n].mean()), 4),
            "ratio_worst": round(float(df[n].max()), 4),
            "periods_ratio_met": int((df[n] <= 0.97).sum()),
            "periods_better_than_default": int(beats[n])}
        for n in df.columns
    }  # fmt: skip
    print(
        json.dumps({"data": str(args.data), "periods": list(rows), "variants": summary})
    )


if __name__ == "__main__":
    main()
