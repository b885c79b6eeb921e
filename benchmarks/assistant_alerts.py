"""Stock-out alerts of the assistant, replayed on real demand through the twin.

Usage::

    python benchmarks/assistant_alerts.py --data ../shared/data/demand/online_retail_ii
    python benchmarks/assistant_alerts.py --data ../shared/data/demand/m5_subset

Reads ``DIR/daily_units_long.csv.gz`` (``sku, market, date, units``; missing
days are 0) and builds the twin's scenario as ``simulate_policies.py`` does.
The legacy split policy (each market its own FC, order-up-to by sea) is tuned
by bisection to a 95% fill rate, then replayed day by day. Every morning,
after the day's arrivals and before its demand, the signal engine
(:func:`worldpool.assistant.stockout_risk`) sees only the past: trailing
demand estimates, stock on hand and the open orders with their ETAs (order
day + supplier lead + median sea transit, never the realised transit), and
flags each SKU x market whose stock-out probability within the next 14 days
reaches the threshold. Demand estimates: the 91-day trailing mean, variance
and share of days with a sale, each raised to its last-28-day value where that
is higher (demand picking up), drive how fast the shelf empties; whether a
shopper then comes is the calibrated occurrence of
:mod:`worldpool.assistant.occurrence`, learned only from mornings whose next
14 days are already past. Arrivals are planned at the lane's P90.

Truth: a pair-day is positive when, within the 14 days starting that day, a
day comes with demand and no stock at the FC to serve it. Live pair-days are
those with any demand in the trailing window. ``value_weighted_recall``
weights each positive by the margin lost in its 14 days;
``lead_days_median`` is how early the first alert came before the first day of
each stock-out episode (no stock-out in the 14 days before);
``recall_in_stock`` is the recall on pair-days that still had stock that
morning (the non-trivial ones). The threshold is fixed, not tuned on this data
(see ``--threshold``). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from worldpool.assistant import StockoutInputs, stockout_risk
from worldpool.assistant.occurrence import (
    SaleCounts,
    cached_fit,
    fit_occurrence,
    history_cells,
)
from worldpool.catalog import load_catalog
from worldpool.sim import (
    BuildParams,
    Scenario,
    SimParams,
    SplitPolicy,
    draw_transits,
    read_demand,
    scenario_from_frame,
    simulate,
)
from worldpool.sim.build import COUNTRY_TO_MARKETPLACE
from worldpool.sim.engine import _Run  # the twin's own day loop state

DEFAULT = Path("/work/shared/data/demand/online_retail_ii")
HORIZON = 14
ETA_COL = 1  # plan arrivals at the lane's P90 transit: the promise, not the hope
RECENT = 28  # the last 4 weeks can raise the 91-day rate (demand that is picking up)


def load(data: Path, skus: int, seed: int) -> Scenario:
    frame = read_demand(data / "daily_units_long.csv.gz")
    if skus:
        names = np.sort(frame["sku"].unique())
        pick = np.random.default_rng(seed).choice(
            names, min(skus, len(names)), replace=False
        )
        frame = frame[frame["sku"].isin(set(pick))]
    countries = bool(set(frame["market"]) & set(COUNTRY_TO_MARKETPLACE))
    params = (
        BuildParams(fx_rate=0.79, currency="GBP")
        if countries
        else BuildParams(stores_as="US", currency="USD")
    )
    return scenario_from_frame(frame, load_catalog(), params)


def tune_split(
    sc: Scenario, sim: SimParams, draws: object, target: float
) -> tuple[SplitPolicy, float]:
    """Bisect the split's service level (logit scale) to ``target`` fill rate."""
    lo, hi = -3.0, 7.0
    best: tuple[float, SplitPolicy, float] | None = None
    for _ in range(12):
        mid = (lo + hi) / 2
        policy = SplitPolicy(service=float(1 / (1 + np.exp(-mid))))
        fill = simulate(sc, policy, sim, draws=draws).kpis.fill_rate  # type: ignore[arg-type]
        if best is None or abs(fill - target) < best[0]:
            best = (abs(fill - target), policy, fill)
        lo, hi = (mid, hi) if fill < target else (lo, mid)
    assert best is not None
    return best[1], best[2]


class Estimates:
    """Trailing-window demand moments per pair, updated one day at a time.

    The depletion side keeps the 91-day moments raised to the last 28 days;
    the shopper side is the calibrated occurrence: an :class:`OccurrenceTable`
    first fitted on the warm-up history, then fed each morning with the
    outcome of the morning 14 days earlier (only the past is ever used).
    """

    def __init__(self, sc: Scenario, start: int, window: int) -> None:
        self.sc, self.window = sc, window
        block = sc.demand[start - window : start].astype(np.float64)
        self.s1 = block.sum(axis=0)
        self.s2 = (block**2).sum(axis=0)
        self.n1 = (block > 0).sum(axis=0).astype(np.float64)
        self.recent = (block[-RECENT:] > 0).sum(axis=0).astype(np.float64)
        self.week = (block[-7:] > 0).sum(axis=0).astype(np.float64)
        self.r1 = block[-RECENT:].sum(axis=0)
        sold = sc.demand[:start] > 0
        seen = sold.any(axis=0)
        self.last = np.where(seen, start - 1 - np.argmax(sold[::-1], axis=0), -10_000)
        self.sold = sold.sum(axis=0).astype(np.float64)  # sale days so far
        flat = sc.demand[:start].reshape(start, -1).astype(np.float64)
        self.table = fit_occurrence(flat, window, HORIZON)
        self.pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.t = start

    def push(self, t: int) -> None:
        """Add day t, drop day t - window."""
        new = self.sc.demand[t].astype(np.float64)
        old = self.sc.demand[t - self.window].astype(np.float64)
        self.s1 += new - old
        self.s2 += new**2 - old**2
        self.n1 += (new > 0).astype(np.float64) - (old > 0)
        gone = self.sc.demand[t - RECENT].astype(np.float64)
        self.recent += (new > 0).astype(np.float64) - (gone > 0)
        self.week += (new > 0).astype(np.float64) - (self.sc.demand[t - 7] > 0)
        self.r1 += new - gone
        self.last = np.where(new > 0, t, self.last)
        self.sold += new > 0
        self.t = t + 1

    def counts(self) -> SaleCounts:
        """Return this morning's sale counts of every pair (flattened S x M)."""
        return SaleCounts(
            last_7=self.week.ravel(),
            last_28=self.recent.ravel(),
            window=self.n1.ravel(),
            recency=(self.t - self.last).ravel().astype(np.float64),
        )

    def shopper(self) -> np.ndarray:
        """Return the calibrated daily chance of a shopper per pair (learns daily)."""
        live = self.n1.ravel() > 0
        cells = history_cells(self.counts())
        self.pending.append((cells[live], live, self.sold.ravel().copy()))
        if len(self.pending) > HORIZON:
            was, alive, before = self.pending.pop(0)
            self.table.add(was, (self.sold.ravel() - before)[alive] > 0)
        return self.table.daily(cells).reshape(self.n1.shape)

    def moments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return mean, variance and sale share per pair, raised to the last 28 days."""
        n = float(self.window)
        mean = np.maximum(self.s1 / n, 0.0)
        var = np.maximum(self.s2 / n - mean**2, 0.0)
        share = np.maximum(self.n1 / n, self.recent / RECENT)
        mean = np.maximum(mean, self.r1 / RECENT)
        return mean, var, np.clip(share, 0.0, 1.0)


class OpenOrders:
    """Open replenishment orders with ETAs, reduced FIFO by what really lands."""

    def __init__(self, sc: Scenario, eta_days: np.ndarray) -> None:
        self.sc = sc
        self.eta_days = eta_days  # (M,) order -> FC, whole days (planning ETA)
        self.orders: list[tuple[int, np.ndarray]] = []

    def place(self, t: int, qty: np.ndarray) -> None:
        """Record an order placed on day t."""
        if qty.any():
            self.orders.append((t, qty.copy()))

    def land(self, arrived: np.ndarray) -> None:
        """Take what landed today off the oldest open orders first."""
        left = arrived.copy()
        for _, rem in self.orders:
            take = np.minimum(rem, left)
            rem -= take
            left -= take
        self.orders = [(d, r) for d, r in self.orders if r.any()]

    def arrivals(self, t: int, horizon: int) -> np.ndarray:
        """Return units expected per day of the horizon (H, S, M), by planned ETA."""
        s, m = len(self.sc.skus), len(self.sc.markets)
        out = np.zeros((horizon, s, m))
        cols = np.arange(m)
        for day, rem in self.orders:
            eta = np.maximum(day + self.eta_days, t + 1) - t  # late: expected tomorrow
            ok = eta < horizon
            out[eta[ok], :, cols[ok]] += rem[:, ok].T
        return out


@dataclasses.dataclass
class Replay:
    """What the replay recorded per day, SKU and market."""

    prob: np.ndarray  # (D, S, M) float32 alert probability
    live: np.ndarray  # (D, S, M) bool
    in_stock: np.ndarray  # (D, S, M) bool: stock on hand that morning
    stockout: np.ndarray  # (D, S, M) bool: demand and no stock
    lost_value: np.ndarray  # (D, S, M) float32: margin lost that day
    risk_seconds: float
    pairs_scored: int


def replay(sc: Scenario, policy: SplitPolicy, sim: SimParams, draws: object) -> Replay:
    run = _Run(sc, policy, sim, draws)  # type: ignore[arg-type]
    start, end = sim.warmup_days, sc.days
    d, s, m = end - start, len(sc.skus), len(sc.markets)
    sea_eta = np.ceil(sc.sea_transit[:, ETA_COL]).astype(np.int64)
    orders = OpenOrders(sc, sc.supplier_lead_days + sea_eta)
    est = Estimates(sc, start, sim.window_days)
    out = Replay(
        prob=np.zeros((d, s, m), np.float32),
        live=np.zeros((d, s, m), bool),
        in_stock=np.zeros((d, s, m), bool),
        stockout=np.zeros((d, s, m), bool),
        lost_value=np.zeros((d, s, m), np.float32),
        risk_seconds=0.0,
        pairs_scored=0,
    )
    margin = np.broadcast_to(sc.margin[:, None], (s, m))
    for i, t in enumerate(range(start, end)):
        orders.land(run.pipe_fc[t % run.ring].copy())
        run.arrive(t)
        if (t - start) % sim.review_days == 0:
            before = run.fc_waiting + run.fc_transit + (run.fc if t == start else 0)
            run.decide(t, opening=t == start)
            after = run.fc_waiting + run.fc_transit + (run.fc if t == start else 0)
            if t != start:
                orders.place(t, np.maximum(after - before, 0.0))
        mean, var, share = est.moments()
        shopper = est.shopper()
        live = mean > 0
        arrivals = orders.arrivals(t, HORIZON)
        t0 = time.perf_counter()
        risk = stockout_risk(
            StockoutInputs(
                mean=mean[live],
                var=var[live],
                on_hand=run.fc[live],
                arrivals=arrivals[:, live],
                unit_margin=margin[live],
                sale_share=share[live],
                shopper=shopper[live],
            )
        )
        out.risk_seconds += time.perf_counter() - t0
        out.pairs_scored += int(live.sum())
        out.prob[i][live] = risk.probability
        out.live[i] = live
        out.in_stock[i] = run.fc > 0
        demand = sc.demand[t].astype(np.float64)
        out.stockout[i] = (demand > 0) & (run.fc <= 1e-9)
        out.lost_value[i] = np.maximum(demand - run.fc, 0.0) * margin
        run.serve(t, demand)
        est.push(t)
    return out


def forward_any(x: np.ndarray, h: int) -> np.ndarray:
    """y[t] = any(x[t : t + h]) along axis 0."""
    c = np.concatenate([np.zeros((1, *x.shape[1:])), np.cumsum(x, axis=0)])
    idx = np.minimum(np.arange(x.shape[0]) + h, x.shape[0])
    return (c[idx] - c[: x.shape[0]]) > 0


def forward_sum(x: np.ndarray, h: int) -> np.ndarray:
    c = np.concatenate([np.zeros((1, *x.shape[1:])), np.cumsum(x, axis=0)])
    idx = np.minimum(np.arange(x.shape[0]) + h, x.shape[0])
    return c[idx] - c[: x.shape[0]]


def lead_days(alert: np.ndarray, stockout: np.ndarray, h: int) -> list[int]:
    """Days between the first alert and the first day of each stock-out episode."""
    leads: list[int] = []
    d = stockout.shape[0]
    past = forward_any(stockout[::-1], h)[::-1]  # any stock-out in [t - h + 1, t]
    prev = np.zeros_like(stockout)
    prev[1:] = past[:-1]
    starts = stockout & ~prev
    for t, si, mi in zip(*np.nonzero(starts), strict=True):
        lo = max(0, t - h + 1)
        hits = np.nonzero(alert[lo : t + 1, si, mi])[0]
        if len(hits):
            leads.append(int(t - (lo + hits[0])))
    del d
    return leads


def score(rep: Replay, threshold: float, cut: int) -> dict[str, float]:
    """Score the alerts of days [0, cut) (the last 14 days have no full truth)."""
    y = forward_any(rep.stockout, HORIZON)[:cut]
    w = forward_sum(rep.lost_value.astype(np.float64), HORIZON)[:cut]
    live = rep.live[:cut]
    a = (rep.prob[:cut] >= threshold) & live
    y = y & live
    tp = float((a & y).sum())
    stock = rep.in_stock[:cut]
    return {
        "stockout_alert_precision": tp / max(float(a.sum()), 1.0),
        "stockout_alert_recall": tp / max(float(y.sum()), 1.0),
        "value_weighted_recall": float((w * (a & y)).sum())
        / max(float((w * y).sum()), 1e-9),
        "base_rate": float(y.sum()) / max(float(live.sum()), 1.0),
        "alerts_per_day": float(a.sum()) / cut,
        "recall_in_stock": float((a & y & stock).sum())
        / max(float((y & stock).sum()), 1.0),
    }


def best_at_precision(
    rep: Replay, cut: int, target: float = 0.5
) -> tuple[float, float, float]:
    """Return the curve's best point with precision >= ``target``.

    Recall, value-weighted recall and the threshold of the lowest threshold
    whose alerts are still at least ``target`` precise: how far the score
    itself can go, whatever threshold is chosen (a diagnostic, not tuned).
    """
    y = forward_any(rep.stockout, HORIZON)[:cut]
    w = forward_sum(rep.lost_value.astype(np.float64), HORIZON)[:cut]
    live = rep.live[:cut]
    p, yy = rep.prob[:cut][live].astype(np.float64), y[live]
    ww = (w * y)[live]
    order = np.argsort(-p, kind="stable")
    tp = np.cumsum(yy[order])
    ok = np.nonzero(tp / np.arange(1, len(p) + 1) >= target)[0]
    if not len(ok) or not yy.any():
        return 0.0, 0.0, 1.0
    j = int(ok.max())
    vw = float(np.cumsum(ww[order])[j] / max(ww.sum(), 1e-9))
    return float(tp[j] / yy.sum()), vw, float(p[order][j])


def unprecedented_misses(
    rep: Replay, demand: np.ndarray, start: int, threshold: float, cut: int
) -> tuple[float, float]:
    """Return the lost margin missed on in-stock mornings, and of it the unprecedented.

    Both as shares of all positives' lost margin. A miss is unprecedented
    when some day of its 14 brings the pair more demand than the SKU ever
    had on one day in any market before that morning (no history says it
    can come).
    """
    y = forward_any(rep.stockout, HORIZON)[:cut]
    w = forward_sum(rep.lost_value.astype(np.float64), HORIZON)[:cut]
    live = rep.live[:cut]
    miss = y & live & rep.in_stock[:cut] & (rep.prob[:cut] < threshold)
    day_max = demand.max(axis=2).astype(np.float64)  # (T, S)
    so_far = np.maximum.accumulate(day_max, axis=0)[start - 1 : start - 1 + cut]
    ahead = np.zeros((cut, *demand.shape[1:]))
    for k in range(HORIZON):
        ahead = np.maximum(ahead, demand[start + k : start + k + cut])
    new = ahead > so_far[:, :, None]
    total = max(float((w * (y & live)).sum()), 1e-9)
    return float((w * miss).sum()) / total, float((w * (miss & new)).sum()) / total


def calibration(rep: Replay, cut: int) -> tuple[float, list[tuple[float, float, int]]]:
    """Return the expected calibration error and (predicted, observed, n) per bin.

    Bins of the stock-out probability over live pair-days; the error is the
    pair-day-weighted mean of |predicted - observed|.
    """
    y = forward_any(rep.stockout, HORIZON)[:cut]
    live = rep.live[:cut]
    p, obs = rep.prob[:cut][live].astype(np.float64), y[live]
    edges = np.array([0.05, 0.1, 0.2, 1 / 3, 0.5, 0.7, 0.9])
    idx = np.searchsorted(edges, p, side="right")
    rows, gap = [], 0.0
    for b in range(len(edges) + 1):
        k = idx == b
        if k.any():
            rows.append((float(p[k].mean()), float(obs[k].mean()), int(k.sum())))
            gap += abs(rows[-1][0] - rows[-1][1]) * k.sum()
    return gap / max(len(p), 1), rows


def speed(pairs: int, seed: int) -> float:
    """Return pairs scored per second for ``pairs`` pairs with a 14-day horizon."""
    rng = np.random.default_rng(seed)
    mean = rng.gamma(0.5, 2.0, pairs)
    inputs = StockoutInputs(
        mean=mean,
        var=mean * rng.uniform(1.0, 5.0, pairs),
        on_hand=np.floor(rng.uniform(0, 30, pairs) * mean),
        arrivals=np.where(rng.uniform(size=(HORIZON, pairs)) < 0.05, 20.0, 0.0),
        unit_margin=rng.uniform(1.0, 20.0, pairs),
        sale_share=rng.uniform(0.05, 1.0, pairs),
        shopper=rng.uniform(0.005, 0.5, pairs),
    )
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        stockout_risk(inputs)
        best = min(best, time.perf_counter() - t0)
    return pairs / best


def fit_seconds(pairs: int, seed: int) -> float:
    """Return seconds to learn the occurrence table from a year of ``pairs`` pairs.

    As the service does it (every 7th morning of 365 days); best of 3.
    """
    rng = np.random.default_rng(seed)
    rate = np.minimum(rng.gamma(0.3, 0.3, pairs), 1.0)
    history = (rng.uniform(size=(365, pairs)) < rate).astype(np.float64)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        fit_occurrence(history, 91, HORIZON, stride=7)
        best = min(best, time.perf_counter() - t0)
    return best


def cached_seconds(pairs: int, seed: int) -> float:
    """Return seconds for a reading that finds its history's table learned already."""
    rng = np.random.default_rng(seed)
    rate = np.minimum(rng.gamma(0.3, 0.3, pairs), 1.0)
    history = (rng.uniform(size=(365, pairs)) < rate).astype(np.float64)
    cached_fit(history, 91, HORIZON, stride=7)
    t0 = time.perf_counter()
    cached_fit(history, 91, HORIZON, stride=7)
    return time.perf_counter() - t0


def plot(curve: dict[float, dict[str, float]], chosen: float, path: Path) -> None:
    """Write precision, recall and value-weighted recall by threshold as an SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    ths = list(curve)
    for key, label in (
        ("stockout_alert_precision", "precision"),
        ("stockout_alert_recall", "recall"),
        ("value_weighted_recall", "value-weighted recall"),
    ):
        ax.plot(ths, [curve[t][key] for t in ths], marker="o", label=label)
    ax.axvline(chosen, color="grey", linestyle="--", label=f"threshold {chosen:.2f}")
    ax.set_xlabel("alert when P(stock-out within 14 days) >=")
    ax.set_ylim(0, 1)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--skus", type=int, default=0, help="sample SKUs (0 = all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fill", type=float, default=0.95, help="split fill-rate target")
    ap.add_argument(
        "--threshold",
        type=float,
        default=1 / 3,
        help="alert when P(stock-out within 14 days) >= this; default 1/3: a "
        "missed stock-out is taken to cost twice a needless look, so the "
        "Bayes threshold c_fp / (c_fp + c_fn) = 1/3",
    )
    ap.add_argument(
        "--plot", type=Path, help="write precision/recall by threshold (SVG)"
    )
    args = ap.parse_args()
    sc = load(args.data, args.skus, args.seed)
    sim = SimParams()
    draws = draw_transits(sc, args.seed)
    policy, fill = tune_split(sc, sim, draws, args.fill)
    print(
        f"{len(sc.skus)} SKUs x {len(sc.markets)} markets, {sc.days} days; split "
        f"service {policy.service:.4f} -> fill {fill:.4f}",
        file=sys.stderr,
    )
    rep = replay(sc, policy, sim, draws)
    cut = rep.prob.shape[0] - HORIZON
    curve = {th: score(rep, th, cut) for th in (0.1, 0.2, 0.25, 1 / 3, 0.5, 0.7, 0.9)}
    for th, row in curve.items():
        print(f"threshold {th:.2f}: {row}", file=sys.stderr)
    if args.plot:
        plot(curve, args.threshold, args.plot)
    ece, bins = calibration(rep, cut)
    for pred, obs, n in bins:
        print(
            f"predicted {pred:.3f} observed {obs:.3f} ({n} pair-days)", file=sys.stderr
        )
    result = score(rep, args.threshold, cut)
    best_r, best_vw, best_th = best_at_precision(rep, cut)
    missed, unseen = unprecedented_misses(
        rep, sc.demand, sim.warmup_days, args.threshold, cut
    )
    alert = (rep.prob >= args.threshold) & rep.live
    leads = lead_days(alert[: cut + HORIZON], rep.stockout, HORIZON)
    result = {k: round(v, 4) for k, v in result.items()}
    result.update(
        {
            "calibration_error": round(ece, 4),
            "lead_days_median": float(np.median(leads)) if leads else 0.0,
            "signals_per_s": round(speed(100_000, args.seed), 1),
            "occurrence_fit_s": round(fit_seconds(100_000, args.seed), 2),
            "occurrence_cached_s": round(cached_seconds(100_000, args.seed), 3),
            "recall_at_precision_0_5": round(best_r, 4),
            "value_weighted_recall_at_precision_0_5": round(best_vw, 4),
            "threshold_at_precision_0_5": round(best_th, 4),
            "missed_value_in_stock": round(missed, 4),
            "missed_value_unprecedented": round(unseen, 4),
            "replay_signals_per_s": round(rep.pairs_scored / rep.risk_seconds, 1),
            "threshold": round(args.threshold, 4),
            "split_fill_rate": round(fill, 4),
            "skus": len(sc.skus),
            "markets": len(sc.markets),
            "days_scored": cut,
        }
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
