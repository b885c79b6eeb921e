"""Digital twin: legacy split vs one pool vs FFO vs the clairvoyant bound, real demand.

Usage::

    python benchmarks/simulate_policies.py                  # Online Retail II, all SKUs
    python benchmarks/simulate_policies.py --skus 300          # quick: 300 sampled SKUs
    python benchmarks/simulate_policies.py --data ../shared/data/demand/m5_subset

Reads ``DIR/daily_units_long.csv.gz`` (``sku, market, date, units``; missing
days are 0). Online Retail II markets are customer countries, mapped to
marketplaces by ``worldpool.sim.COUNTRY_TO_MARKETPLACE`` (unmapped countries
are dropped); prices are GBP (``avg_price``), converted from the catalog's
USD at the FX table's rate (packaged, or ``WORLDPOOL_FX_FILE``).
Any other market label (M5 store ids) takes the US marketplace's economics.

Each policy is run at its cost-minimising service target; the others are
then tuned (bisection) to the split's fill rate and to its on-hand inventory
value. ``pool`` is the one pool run by the real planner (``worldpool.plan``:
targets, hub orders, allocation) and ships every order the hub can serve from
origin (no cancellations); ``pool_econ`` only where the sale is worth the
parcel (``cost_ratio_pool_econ``); ``echelon`` is the textbook pooled
order-up-to rule (``*_echelon`` keys) for reference. ``split_foresight`` and
``pool_foresight`` are the same rules fed the true demand moments of the next
56 days (a perfect forecast, not clairvoyance): their ``cost_gap_to_oracle_*``
show how much of the gap to the bound better forecasting could close. The
clairvoyant LP (HiGHS) runs on ``--oracle-skus`` sampled SKUs, and cost gaps
are measured on those SKUs only.
Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path

import numpy as np

from worldpool.catalog import load_catalog
from worldpool.catalog.fx import load_fx
from worldpool.catalog.rates import load_rates
from worldpool.sim import (
    BuildParams,
    CompareParams,
    Comparison,
    EchelonPolicy,
    FfoPolicy,
    Foresight,
    PoolPolicy,
    ReplenishmentPolicy,
    Scenario,
    SimParams,
    SplitPolicy,
    apply_topology,
    compare,
    draw_transits,
    load_topologies,
    read_demand,
    scenario_from_frame,
    simulate,
    supplier_index,
    with_cadence,
)
from worldpool.sim.build import COUNTRY_TO_MARKETPLACE
from worldpool.sim.suppliers import group_sum

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/demand/online_retail_ii"


def load(
    data: Path, skus: int, seed: int, weight: float, volume: float, rated: bool
) -> tuple[Scenario, str]:
    frame = read_demand(data / "daily_units_long.csv.gz")
    if skus:
        names = np.sort(frame["sku"].unique())
        pick = np.random.default_rng(seed).choice(
            names, min(skus, len(names)), replace=False
        )
        frame = frame[frame["sku"].isin(set(pick))]
    countries = bool(set(frame["market"]) & set(COUNTRY_TO_MARKETPLACE))
    # Prices are GBP: convert at the FX table's rate in force on the last day
    # (the packaged table, or WORLDPOOL_FX_FILE's override), as the service does.
    fx_file = os.environ.get("WORLDPOOL_FX_FILE")
    gbp = load_fx(Path(fx_file) if fx_file else None).rate(
        "USD", "GBP", frame["date"].max().date()
    )
    assert gbp is not None
    params = (
        BuildParams(fx_rate=float(gbp.rate), currency="GBP")
        if countries
        else BuildParams(stores_as="US", currency="USD")
    )
    params = dataclasses.replace(
        params,
        unit_weight_kg=weight,
        unit_volume_m3=volume,
        rates=load_rates() if rated else None,
    )
    kind = "countries" if countries else "stores"
    return scenario_from_frame(frame, load_catalog(), params), kind


def throughput(sc: Scenario, sim: SimParams) -> dict[str, float]:
    draws = draw_transits(sc, 0)
    cells = len(sc.skus) * len(sc.markets) * (sc.days - sim.warmup_days)
    out = {}
    for policy in (SplitPolicy(), FfoPolicy(), PoolPolicy(), EchelonPolicy()):
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            simulate(sc, policy, sim, draws=draws)
            best = min(best, time.perf_counter() - t0)
        out[policy.name] = cells / best
    return out


def reference(result: Comparison, name: str) -> dict[str, float]:
    """Headline ratios of another pooled policy against split (suffix _NAME)."""
    base, runs = result.runs[result.baseline]["best"].kpis, result.runs[name]
    return {
        f"inventory_value_ratio_equal_fill_{name}": round(
            runs["equal_fill"].kpis.avg_on_hand_value / base.avg_on_hand_value, 4
        ),
        f"stockout_ratio_equal_inventory_{name}": round(
            runs["equal_inventory"].kpis.stockout_rate / base.stockout_rate, 4
        ),
        f"turnover_ratio_{name}": round(
            runs["equal_fill"].kpis.turnover / base.turnover, 4
        ),
        f"cost_ratio_{name}": round(runs["best"].kpis.total_cost / base.total_cost, 4),
    }


def speeds(speed: dict[str, float]) -> dict[str, float]:
    """Throughput keys (empty with --quick)."""
    if not speed:
        return {}
    return {
        "sku_market_days_per_s": round(min(speed["split"], speed["ffo"])),
        "pool_sku_market_days_per_s": round(speed["pool"]),
        "echelon_sku_market_days_per_s": round(speed["echelon"]),
    }


def references(result: Comparison) -> dict[str, float]:
    """Reference keys: pool_econ's cost ratio and the echelon rule's ratios."""
    split = result.runs["split"]["best"].kpis.total_cost
    econ = result.runs["pool_econ"]["best"].kpis.total_cost
    return {
        "cost_ratio_pool_econ": round(econ / split, 4),
        **reference(result, "echelon"),
    }


def oracle_gaps(result: Comparison) -> dict[str, float]:
    """Cost gap to the clairvoyant bound of every policy (its best run, same SKUs)."""
    if result.oracle is None or result.oracle.total_cost <= 0:
        return {}
    lb = result.oracle.total_cost
    return {
        f"cost_gap_to_oracle_{name}": round((cost - lb) / lb, 4)
        for name, cost in result.oracle_costs.items()
    }


CADENCES = (7, 14, 28)
"""Shipment cadences a lane may take, in days (multiples of the 7-day review)."""


def suppliers(sc: Scenario, rule: str | None) -> tuple[Scenario, dict[str, object]]:
    """Set the supplier assignment of ``--suppliers`` (None: the legacy model).

    Returns the scenario and the keys saying what was assumed.
    """
    if rule is None:
        return sc, {"suppliers": "legacy", "supplier_count": 1}
    index = supplier_index(sc.skus, rule)
    out = dataclasses.replace(sc, supplier=index, supplier_review_days=None)
    return out, {
        "suppliers": rule,
        "supplier_count": len(np.unique(index)),
        "inbound_fixed": round(sc.inbound_fixed, 2),
    }


def cadences(result: Comparison, sc: Scenario) -> dict[str, float]:
    """Shipment keys: split's cadence, the pool's shipment cost and hub share.

    ``split_review_days``: days between a supplier's shipments on a lane,
    weighted by the (supplier, lane)'s units; ``shipment_cost_ratio``: fixed
    shipment cost of the pool at split's fill over split's.
    """
    split, pool = result.runs["split"]["best"], result.runs["pool"]["equal_fill"]
    out = {
        "shipment_cost_ratio": round(
            pool.kpis.shipment_cost / max(split.kpis.shipment_cost, 1e-12), 4
        ),
        "hub_inventory_share_equal_fill": round(
            float(pool.hub_value.mean())
            / max(
                float(pool.fc_value.sum(axis=1).mean() + pool.hub_value.mean()), 1e-12
            ),
            4,
        ),
    }
    if sc.supplier is not None and sc.supplier_review_days is not None:
        volume = group_sum(
            sc.demand.sum(axis=0).astype(float), sc.supplier, sc.suppliers
        )
        cadence = sc.supplier_review_days.astype(float)
        out["split_review_days"] = round(
            float((cadence * volume).sum() / max(volume.sum(), 1e-12)), 2
        )
    return out


def networks(
    sc: Scenario, topology: str | None, warmup: int, choice: bool = True
) -> tuple[Scenario, ReplenishmentPolicy, dict[str, Scenario]]:
    """Return the split scenario, the topology's pooled policy and its own scenario.

    Without a topology: the legacy comparison (planner pool, one review period).
    With one: every lane's cadence is chosen from its volume and fixed cost
    (split per stream, the topology per node), and "pool" is the topology's
    pooled policy on its own node-level network.
    """
    if topology is None:
        return sc, PoolPolicy(), {}
    topo = load_topologies()[topology]
    split_sc = with_cadence(sc, warmup, CADENCES)
    node_sc = with_cadence(apply_topology(sc, topo), warmup, CADENCES)
    pooled: ReplenishmentPolicy = (
        PoolPolicy(
            always_origin=topo.origin == "always",
            ffo=topo.origin != "none",
            direct=choice,
        )
        if topo.hub
        else SplitPolicy(name="pool")
    )
    return split_sc, pooled, {"pool": node_sc}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--skus", type=int, default=0, help="sample N SKUs (0 = all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--iterations", type=int, default=8)
    ap.add_argument("--oracle-skus", type=int, default=30)
    ap.add_argument("--unit-weight-kg", type=float, default=0.3)
    ap.add_argument("--unit-volume-m3", type=float, default=0.0015)
    ap.add_argument("--json", type=Path, help="also write the full comparison here")
    ap.add_argument(
        "--topology",
        choices=sorted(load_topologies()),
        help="compare this topology's pooled network with split (rated economics)",
    )
    ap.add_argument(
        "--service-high",
        type=float,
        default=None,
        help="highest service searched (default 0.999; 0.9999 with --topology, "
        "so rated lanes' cheapest level is not cut off at the bound)",
    )
    ap.add_argument(
        "--no-choice",
        action="store_true",
        help="hub topologies: pool every pair (no per-pair choice of split's "
        "direct buy); a diagnostic, not the policy",
    )
    ap.add_argument(
        "--suppliers",
        default=None,
        help="supplier of each SKU: one, N (SKU id blocks), prefix:K or a "
        "sku,supplier CSV (worldpool.sim.suppliers); default: the legacy model "
        "(one supplier whose direct buys ride with the hub's transfers)",
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="split and the pooled policy only (reference keys left out)",
    )
    ap.add_argument(
        "--no-foresight",
        action="store_true",
        help="skip the perfect-forecast references (split/pool_foresight)",
    )
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sim = SimParams()
    sc, kind = load(
        args.data,
        args.skus,
        args.seed,
        args.unit_weight_kg,
        args.unit_volume_m3,
        args.topology is not None,
    )
    sc, assumed = suppliers(sc, args.suppliers)
    sc, pooled, own = networks(sc, args.topology, sim.warmup_days, not args.no_choice)
    active = float((sc.demand.sum(axis=0) > 0).mean())
    print(
        f"scenario: {len(sc.skus)} SKUs x {len(sc.markets)} markets ({kind}) x "
        f"{sc.days} days; active SKU-market pairs {active:.1%}"
    )
    speed = throughput(sc, sim) if not args.quick else {}
    print("SKU-market-days/s:", {k: round(v) for k, v in speed.items()})
    t0 = time.perf_counter()
    econ = PoolPolicy(always_origin=False, name="pool_econ")
    refs: list[ReplenishmentPolicy] = [FfoPolicy(), econ, EchelonPolicy()]
    if not args.no_foresight:
        refs += [Foresight(SplitPolicy()), Foresight(PoolPolicy())]
    result = compare(
        sc,
        [SplitPolicy(), pooled] + ([] if args.quick else refs),
        CompareParams(
            iterations=args.iterations,
            oracle_skus=args.oracle_skus,
            service_high=args.service_high
            or (0.9999 if args.topology else CompareParams().service_high),
        ),
        sim,
        seed=args.seed,
        scenarios=own,
        pooled="pool",
    )
    print(result.summary())
    print(f"compare took {time.perf_counter() - t0:.1f} s")
    if args.json:
        args.json.write_text(json.dumps(result.to_dict(), indent=1, default=float))
    out: dict[str, object] = {
        "data": str(args.data),
        "topology": args.topology or "pool",
        "skus": len(sc.skus),
        "markets": len(sc.markets),
        "days": sc.days,
        "active_pair_share": round(active, 4),
        **{k: round(v, 4) for k, v in result.headline.items()},
        **speeds(speed),
        "oracle_skus": args.oracle_skus,
        "unit_weight_kg": args.unit_weight_kg,
        **({} if args.quick else references(result)),
        **oracle_gaps(result),
        "fill_split": round(result.runs["split"]["best"].kpis.fill_rate, 4),
        "fill_pool_equal_fill": round(
            result.runs["pool"]["equal_fill"].kpis.fill_rate, 4
        ),
        **assumed,
        **(cadences(result, sc) if args.suppliers else {}),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
