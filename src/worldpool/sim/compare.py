"""Equal-service comparison of policies on one scenario, plus the clairvoyant bound.

Every policy is run at its cost-minimising service target (golden-section
search); then each non-baseline policy is tuned by bisection on its service
target to the baseline's fill rate and, separately, to its on-hand inventory
value, so results compare at equal service and at equal capital.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from worldpool.sim.callbacks import NullCallbacks, SimCallbacks
from worldpool.sim.engine import simulate
from worldpool.sim.oracle import OracleResult, solve_oracle
from worldpool.sim.params import CompareParams, SimParams
from worldpool.sim.protocol import Network, ReplenishmentPolicy
from worldpool.sim.result import SimResult
from worldpool.sim.scenario import Scenario, TransitDraws, draw_transits
from worldpool.sim.topology import node_draws

__all__ = ["POINTS", "Comparison", "compare"]

POINTS = ("best", "equal_fill", "equal_inventory")
"""Operating points of each policy: cost-optimal, matched fill, matched stock."""

_PHI = (math.sqrt(5) - 1) / 2


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


class _Runner:
    """Runs a policy at a service target once and remembers the result."""

    def __init__(
        self,
        scenario: Scenario,
        sim: SimParams,
        draws: TransitDraws,
        callbacks: SimCallbacks,
    ) -> None:
        self.scenario, self.sim, self.draws = scenario, sim, draws
        self.callbacks = callbacks
        self.cache: dict[tuple[str, float], SimResult] = {}
        self.own: Mapping[str, Scenario] = {}

    def __call__(self, policy: ReplenishmentPolicy, service: float) -> SimResult:
        key = (policy.name, round(service, 12))
        if key not in self.cache:
            sc = self.own.get(policy.name, self.scenario)
            self.cache[key] = simulate(
                sc,
                policy.with_service(service),
                self.sim,
                draws=node_draws(self.draws, sc),
                callbacks=self.callbacks,
            )
        return self.cache[key]


def _golden(
    run: Callable[[float], SimResult], lo: float, hi: float, steps: int
) -> SimResult:
    a, b = _logit(lo), _logit(hi)
    c, d = b - _PHI * (b - a), a + _PHI * (b - a)
    rc, rd = run(_expit(c)), run(_expit(d))
    for _ in range(max(steps - 2, 0)):
        if rc.kpis.total_cost <= rd.kpis.total_cost:
            b, d, rd = d, c, rc
            c = b - _PHI * (b - a)
            rc = run(_expit(c))
        else:
            a, c, rc = c, d, rd
            d = a + _PHI * (b - a)
            rd = run(_expit(d))
    return min((rc, rd), key=lambda r: r.kpis.total_cost)


_WIDEN = 2.0
"""Logit units the equal-point search widens by per step (odds x e² ~ 7.4)."""


def _bisect(
    run: Callable[[float], SimResult],
    metric: Callable[[SimResult], float],
    target: float,
    lo: float,
    hi: float,
    steps: int,
    also: float | None = None,
    limit: float = 0.0,
) -> SimResult:
    """Return the run whose metric is closest to ``target`` (metric rises with service).

    Bisection in logit space on [lo, hi]. When ``target`` lies beyond what
    ``lo`` or ``hi`` reach, the bracket first widens (by ``_WIDEN`` logits a
    step) towards ``limit`` or ``1 - limit``, so an "equal" point is an equal
    point and not the nearest bound; ``limit`` 0 never widens.
    """
    a, b = _logit(lo), _logit(hi)
    low, high = run(lo), run(hi)
    seen = [low, high] + ([] if also is None else [run(also)])
    floor, ceil = (_logit(limit), _logit(1 - limit)) if limit > 0 else (a, b)
    while metric(high) < target and b < ceil:
        a, low = b, high
        b = min(b + _WIDEN, ceil)
        high = run(_expit(b))
        seen.append(high)
    while metric(low) > target and a > floor:
        b, high = a, low
        a = max(a - _WIDEN, floor)
        low = run(_expit(a))
        seen.append(low)
    if metric(low) < target < metric(high):
        for _ in range(steps):
            mid = (a + b) / 2
            r = run(_expit(mid))
            seen.append(r)
            a, b = (mid, b) if metric(r) < target else (a, mid)
    return min(seen, key=lambda r: abs(metric(r) - target))


def _tune(
    run: Callable[[float], SimResult], ref: SimResult, params: CompareParams
) -> dict[str, SimResult]:
    """Return a policy's runs at the baseline's fill and at its on-hand value.

    The baseline's own service is a candidate too: a policy that acts as the
    baseline does meets its fill exactly there. Where the baseline's figure
    lies beyond the searched services, the search widens up to
    ``params.service_limit`` (see :func:`_bisect`).
    """
    lo, hi, k = params.service_low, params.service_high, params.iterations
    fill, value = ref.kpis.fill_rate, ref.kpis.avg_on_hand_value
    lim = params.service_limit
    return {
        "equal_fill": _bisect(
            run, lambda r: r.kpis.fill_rate, fill, lo, hi, k, ref.service, lim
        ),
        "equal_inventory": _bisect(
            run, lambda r: r.kpis.avg_on_hand_value, value, lo, hi, k, limit=lim
        ),
    }


@dataclass(frozen=True, slots=True, eq=False)
class Comparison:
    """Results of every policy at every operating point, and the headline ratios."""

    baseline: str
    """Name of the baseline policy (the legacy split)."""
    runs: dict[str, dict[str, SimResult]]
    """policy name -> point (``best``, ``equal_fill``, ``equal_inventory``) -> run."""
    oracle: OracleResult | None
    """Clairvoyant bound on the sampled SKUs, or None when not asked."""
    oracle_costs: dict[str, float]
    """Total cost of each policy's ``best`` run on the oracle's SKUs."""
    headline: dict[str, float]
    """Pool-vs-split ratios (see the benchmark contract in issue 6)."""

    def summary(self) -> str:
        """Return a plain-text table: one row per policy and point."""
        lines = [
            f"{'policy':<8} {'point':<16} {'service':>7} {'fill':>6} "
            f"{'stockout':>8} {'on hand':>12} {'turns':>6} {'total cost':>12}"
        ]
        for name, points in self.runs.items():
            for point, r in points.items():
                k = r.kpis
                lines.append(
                    f"{name:<8} {point:<16} {r.service:>7.3f} {k.fill_rate:>6.1%} "
                    f"{k.stockout_rate:>8.1%} {k.avg_on_hand_value:>12,.0f} "
                    f"{k.turnover:>6.2f} {k.total_cost:>12,.0f}"
                )
        if self.oracle is not None:
            lines.append(
                f"oracle on {len(self.oracle.sku_index)} SKUs: "
                f"{self.oracle.total_cost:,.0f}"
            )
        lines += [f"{k}: {v:.3f}" for k, v in self.headline.items()]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """Return the comparison as plain data (JSON-ready)."""
        return {
            "baseline": self.baseline,
            "runs": {
                n: {p: r.to_dict() for p, r in pts.items()}
                for n, pts in self.runs.items()
            },
            "oracle": None
            if self.oracle is None
            else {
                "skus": len(self.oracle.sku_index),
                "total_cost": self.oracle.total_cost,
                "policy_costs": self.oracle_costs,
            },
            "headline": self.headline,
        }


def _headline(
    runs: dict[str, dict[str, SimResult]],
    base: str,
    other: str,
    oracle: OracleResult | None,
    costs: dict[str, float],
) -> dict[str, float]:
    b, o = runs[base]["best"].kpis, runs[other]
    out = {
        "inventory_value_ratio_equal_fill": o["equal_fill"].kpis.avg_on_hand_value
        / max(b.avg_on_hand_value, 1e-12),
        "fill_gap_equal_fill": o["equal_fill"].kpis.fill_rate - b.fill_rate,
        "stockout_ratio_equal_inventory": o["equal_inventory"].kpis.stockout_rate
        / max(b.stockout_rate, 1e-12),
        "short_day_ratio_equal_inventory": o["equal_inventory"].kpis.short_day_rate
        / max(b.short_day_rate, 1e-12),
        "turnover_ratio": o["equal_fill"].kpis.turnover / max(b.turnover, 1e-12),
        "cost_ratio": o["best"].kpis.total_cost / max(b.total_cost, 1e-12),
        "cost_ratio_equal_fill": o["equal_fill"].kpis.total_cost
        / max(b.total_cost, 1e-12),
        "storage_cost_ratio": o["equal_fill"].kpis.storage_cost
        / max(b.storage_cost, 1e-12),
    }
    if oracle is not None and oracle.total_cost > 0:
        lb = oracle.total_cost
        out["cost_gap_to_oracle"] = (costs[other] - lb) / lb
        gap = costs[base] - lb
        out["gap_closed"] = (costs[base] - costs[other]) / gap if gap > 0 else 0.0
    return out


def compare(
    scenario: Scenario,
    policies: Sequence[ReplenishmentPolicy],
    params: CompareParams | None = None,
    sim: SimParams | None = None,
    *,
    seed: int = 0,
    callbacks: SimCallbacks | None = None,
    scenarios: Mapping[str, Scenario] | None = None,
    pooled: str | None = None,
) -> Comparison:
    """Run every policy at equal service against the split baseline.

    Args:
        scenario: The scenario all policies share (same transit draws too).
        policies: Policies to compare; the first SPLIT one is the baseline
            (else the first). The headline compares it with the first POOL
            one (else the second policy).
        params: Tuning and oracle settings.
        sim: Engine settings.
        seed: Seed of transit draws and of the oracle's SKU sample.
        callbacks: Progress receiver (one start/end per simulation run).
        scenarios: Policy name -> its own node-level scenario (a topology,
            :func:`worldpool.sim.apply_topology`); same SKUs and days.
        pooled: Name of the policy the headline compares with the baseline;
            None = the first POOL one (else the second policy).

    Returns:
        The comparison; ``headline`` is empty when only one policy is given.
    """
    params, sim = params or CompareParams(), sim or SimParams()
    draws = draw_transits(scenario, seed)
    runner = _Runner(scenario, sim, draws, callbacks or NullCallbacks())
    runner.own = scenarios or {}
    lo, hi, k = params.service_low, params.service_high, params.iterations
    base = next((p for p in policies if p.network is Network.SPLIT), policies[0])
    runs: dict[str, dict[str, SimResult]] = {}
    for p in policies:
        runs[p.name] = {"best": _golden(functools.partial(runner, p), lo, hi, k)}
    for p in policies:
        if p is not base:
            runs[p.name] |= _tune(
                functools.partial(runner, p), runs[base.name]["best"], params
            )
    oracle, costs = None, {}
    if params.oracle_skus > 0:
        active = np.flatnonzero(scenario.demand[sim.warmup_days :].sum(axis=(0, 2)) > 0)
        rng = np.random.default_rng(seed)
        size = min(params.oracle_skus, len(active))
        sample = np.sort(rng.choice(active, size=size, replace=False))
        oracle = solve_oracle(scenario, draws, sample, sim)
        costs = {n: float(r["best"].sku_cost[sample].sum()) for n, r in runs.items()}
    others = [p for p in policies if p is not base]
    other = next((p for p in others if p.name == pooled), None)
    other = other or next((p for p in others if p.network is Network.POOL), None)
    other = other or (others[0] if others else None)
    headline = (
        {} if other is None else _headline(runs, base.name, other.name, oracle, costs)
    )
    return Comparison(base.name, runs, oracle, costs, headline)
