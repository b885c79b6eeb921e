"""Best-market ranking on long demand: predicted vs actual next-12-month revenue.

Usage::

    python benchmarks/market_ranking.py --data /work/shared/data/demand/online_retail_ii

Reads ``DIR/daily_units_long.csv.gz`` (``sku, market, date, units`` and
``avg_price`` where present; revenue = units x price, units alone otherwise)
and, when present, ``DIR/transactions.csv.gz`` for titles (``StockCode``,
``Description``) and buyers (``CustomerID``, ``Country``: the SKU's buyers in
its known market, and every other SKU's buyers in the window, give a co-buyer
similarity beside the titles, and each SKU's distinct buyers per country for
the customer reach). The first 12 months of the data are the training window,
the next 12 the truth (``--train-months 6 --truth-months 6``: the first year
alone, the split the demand settings were calibrated on; ``--skip-months 6`` or
``12`` with it: the later rolling 6 + 6 splits). For each SKU sold
in the window, its largest market there is "known"; the estimate may use only
that market's sales of the SKU plus every other SKU's sales in the window,
and ranks all other markets by predicted revenue
(:func:`worldpool.profit.demand.expected_revenue`). Scores:

* ``ndcg_at_5`` -- mean NDCG@5 over SKUs that sold outside their largest
  market in the next 12 months, gains = actual next-12-month revenue;
* ``ndcg_at_5_baseline`` -- the same with markets ranked by all other SKUs'
  total revenue in the window;
* ``skus`` -- SKUs scored (a line before the JSON gives the 95 % bootstrap
  interval of ``ndcg_at_5 - ndcg_at_5_baseline``, resampling SKUs);
* ``profit_rows_per_s`` -- full unit-economics rows per second of the
  vectorised path (:mod:`worldpool.profit.bulk`, every catalog marketplace x
  3 modes x 4 categories resolved, then 400,000 priced rows).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from worldpool.catalog import load_catalog
from worldpool.catalog.fx import load_fx
from worldpool.customs.rules import load_rules
from worldpool.domain.money import Money
from worldpool.domain.product import SkuRecord
from worldpool.profit import (
    BuyerIndex,
    DemandParams,
    MarketHistory,
    TitleIndex,
    buyer_counts,
    expected_revenue,
)
from worldpool.profit._problem import MODES, EconomicsProblem
from worldpool.profit._resolve import complete_fx, resolve
from worldpool.profit.bulk import contribution, cost_table
from worldpool.profit.fees import load_fee_book

PARAMS = DemandParams()


def _ndcg(score: np.ndarray, gain: np.ndarray, k: int = 5) -> float:
    order = np.argsort(-score, kind="stable")[:k]
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    ideal = np.sort(gain)[::-1][:k]
    return float(
        (gain[order] * disc[: len(order)]).sum() / (ideal * disc[: len(ideal)]).sum()
    )


def _titles(data: Path, skus: list[str]) -> list[str]:
    path = data / "transactions.csv.gz"
    if not path.is_file():
        return [""] * len(skus)
    frame = pd.read_csv(path, usecols=["StockCode", "Description"], dtype=str).dropna()
    frame["StockCode"] = frame["StockCode"].str.upper()
    common = frame.groupby("StockCode")["Description"].agg(
        lambda s: s.value_counts().index[0]
    )
    return [str(common.get(s.upper(), "")) for s in skus]


def _buyers(
    data: Path, rows: dict[str, int], start: pd.Timestamp, cut: pd.Timestamp
) -> tuple[BuyerIndex, pd.DataFrame]:
    """Return the co-buyer index of the window and its (row, buyer, market) pairs."""
    path = data / "transactions.csv.gz"
    cols = ["StockCode", "CustomerID", "Country", "InvoiceDate", "Quantity"]
    if not path.is_file():
        return BuyerIndex(len(rows), []), pd.DataFrame(
            columns=["row", "buyer", "market"]
        )
    frame = pd.read_csv(path, usecols=cols, dtype=str).dropna()
    when = pd.to_datetime(frame["InvoiceDate"])
    frame = frame[
        (when >= start) & (when < cut) & (frame["Quantity"].astype(float) > 0)
    ]
    upper = {s.upper(): i for s, i in rows.items()}
    frame = frame.assign(row=frame["StockCode"].str.upper().map(upper)).dropna()
    pairs = frame[["row", "CustomerID", "Country"]].drop_duplicates()
    pairs.columns = ["row", "buyer", "market"]
    pairs["row"] = pairs["row"].astype(int)
    index = BuyerIndex(len(rows), zip(pairs["row"], pairs["buyer"], strict=True))
    return index, pairs


def _matrix(
    frame: pd.DataFrame,
    rows: dict[str, int],
    cols: dict[str, int],
    weights: np.ndarray | None = None,
) -> np.ndarray:
    out = np.zeros((len(rows), len(cols)))
    values = frame["revenue"].to_numpy() * (1.0 if weights is None else weights)
    np.add.at(
        out,
        (frame["sku"].map(rows).to_numpy(), frame["market"].map(cols).to_numpy()),
        values,
    )
    return out


def ranking(
    data: Path, train: int = 12, truth: int = 12, skip: int = 0
) -> dict[str, float]:
    """Return the ranking scores on ``data``: ``train`` months fit, ``truth`` score.

    ``skip`` months at the start of the data are left out (rolling-origin splits).
    """
    d = pd.read_csv(
        data / "daily_units_long.csv.gz", dtype={"sku": str}, parse_dates=["date"]
    )
    price = d.get("avg_price", 1.0)
    d["revenue"] = d["units"] * price
    start = d["date"].min() + pd.DateOffset(months=skip)
    d = d[d["date"] >= start]
    cut = start + pd.DateOffset(months=train)
    end = cut + pd.DateOffset(months=truth)
    train, test = d[d["date"] < cut], d[(d["date"] >= cut) & (d["date"] < end)]
    markets = sorted(d["market"].unique())
    cols = {m: i for i, m in enumerate(markets)}
    skus = sorted(train["sku"].unique())
    rows = {s: i for i, s in enumerate(skus)}
    age = (cut - train["date"]).dt.days.to_numpy()
    history = MarketHistory(
        tuple(skus),
        tuple(markets),
        _matrix(train, rows, cols),
        _matrix(train, rows, cols, 0.5 ** (age / PARAMS.half_life_days)),
    )
    actual = _matrix(test[test["sku"].isin(rows)], rows, cols)
    titles = _titles(data, skus)
    index = TitleIndex(titles)
    buyer_index, bought = _buyers(data, rows, start, cut)
    counts = buyer_counts(
        len(skus),
        markets,
        zip(bought["row"], bought["buyer"], bought["market"], strict=True),
    )
    by_row = dict(list(bought.groupby("row")))
    totals = history.revenue.sum(axis=0)
    ours, base = [], []
    for i in range(len(skus)):
        top = int(np.argmax(history.revenue[i]))
        gain = actual[i].copy()
        gain[top] = 0.0
        if gain.sum() <= 0:
            continue
        known = np.zeros(len(markets))
        known[top] = history.revenue[i, top]
        mine = by_row.get(i)
        local = (
            [] if mine is None else list(mine["buyer"][mine["market"] == markets[top]])
        )
        predicted = expected_revenue(
            history,
            known,
            index.similarity(titles[i]),
            PARAMS,
            exclude=i,
            buyers=buyer_index.similarity(local),
            customers=counts,
        )
        others = totals - history.revenue[i]
        predicted[top] = others[top] = -1.0
        ours.append(_ndcg(predicted, gain))
        base.append(_ndcg(others, gain))
    low, high = _gain_ci(np.array(ours) - np.array(base))
    return {
        "ndcg_at_5": round(float(np.mean(ours)), 4),
        "ndcg_at_5_baseline": round(float(np.mean(base)), 4),
        "skus": len(ours),
        "gain_ci95_low": round(low, 4),
        "gain_ci95_high": round(high, 4),
    }


def _gain_ci(diff: np.ndarray, draws: int = 2000, seed: int = 0) -> tuple[float, float]:
    """Return the 95 % bootstrap interval (resampling SKUs) of the mean NDCG gain."""
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), (draws, len(diff)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def rows_per_second(n_rows: int = 400_000, seed: int = 7) -> float:
    """Return unit-economics rows per second (resolving every combination included)."""
    day = date(2026, 12, 5)
    catalog, fx = load_catalog(as_of=day), complete_fx(load_fx())
    book, rules = load_fee_book(day), load_rules(day)
    started = time.perf_counter()
    resolved = []
    for k, category in enumerate(("home", "clothing", "electronics", "toys")):
        sku = SkuRecord(
            f"S{k}",
            category,
            Decimal("0.6"),
            Decimal("0.003"),
            Decimal("5"),
            "USD",
            hs_code="940520",
            category=category,
        )
        for market in catalog.marketplaces.values():
            for mode in MODES:
                problem = EconomicsProblem(
                    sku, market, Money(Decimal("0.9"), "USD"), mode=mode
                )
                resolved.append(resolve(problem, book, rules, fx))
    table = cost_table(resolved)
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(resolved), n_rows)
    prices = (
        rng.uniform(5, 60, n_rows)
        * np.array([float(r.referral_fx) for r in resolved])[index]
    )
    margin = contribution(table, index, prices)
    elapsed = time.perf_counter() - started
    assert np.isfinite(margin).all()
    return n_rows / elapsed


def main() -> None:
    """Parse arguments, run, print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=Path("/work/shared/data/demand/online_retail_ii")
    )
    parser.add_argument(
        "--train-months",
        type=int,
        default=12,
        help="months fitted (6 with --truth-months 6: the calibration split)",
    )
    parser.add_argument("--truth-months", type=int, default=12)
    parser.add_argument(
        "--skip-months",
        type=int,
        default=0,
        help="months left out at the start (rolling splits: 6 or 12 with 6 + 6)",
    )
    args = parser.parse_args()
    scores = ranking(args.data, args.train_months, args.truth_months, args.skip_months)
    low, high = scores.pop("gain_ci95_low"), scores.pop("gain_ci95_high")
    print(f"ndcg_at_5 - baseline, 95% bootstrap CI over SKUs: [{low}, {high}]")
    result = scores | {"profit_rows_per_s": round(rows_per_second())}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
