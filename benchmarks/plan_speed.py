"""Plan speed: 100,000 SKUs x 20 marketplaces, intermittent demand, LP coupling on.

Usage::

    .venv/bin/python benchmarks/plan_speed.py            # 100,000 SKUs
    .venv/bin/python benchmarks/plan_speed.py --skus 10000

Prints per-phase times and, on its last line, one JSON object with at least
``seconds`` (wall time of ``solve`` plus rendering every line's ``why``) and
``peak_rss_gb`` (peak resident memory of the process).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from worldpool.plan import PlanCallbacks, PlanParams, solve
from worldpool.plan.synthetic import synthetic_problem


class _Times(PlanCallbacks):
    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def on_phase_end(self, name: str, seconds: float) -> None:
        self.times[name] = round(seconds, 2)
        print(f"  {name:<12} {seconds:8.2f} s", file=sys.stderr, flush=True)


def _peak_rss_gb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skus", type=int, default=100_000)
    ap.add_argument("--markets", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    t0 = time.perf_counter()
    # A budget well below the unconstrained spend, so the LP coupling binds.
    pb = synthetic_problem(
        args.skus, args.markets, seed=args.seed, budget=800.0 * args.skus
    )
    build = time.perf_counter() - t0
    params = PlanParams(min_shipment_m3=1.0)
    cb = _Times()
    t1 = time.perf_counter()
    plan = solve(pb, params, seed=args.seed, callbacks=cb)
    t2 = time.perf_counter()
    whys = sum(1 for _ in plan.transfer_lines()) + sum(1 for _ in plan.order_lines())
    t3 = time.perf_counter()
    print(plan.summary(), file=sys.stderr)
    out = {
        "benchmark": "plan_speed",
        "skus": args.skus,
        "markets": args.markets,
        "pairs": pb.n_pairs,
        "seconds": round(t3 - t1, 2),
        "seconds_build_problem": round(build, 2),
        "seconds_solve": round(t2 - t1, 2),
        "seconds_explain": round(t3 - t2, 2),
        "phases": cb.times,
        "transfer_lines": len(plan.transfers["qty"]),
        "order_lines": len(plan.orders["qty"]),
        "lines_explained": whys,
        "budget": pb.budget,
        "cash_committed": round(
            plan.costs["freight this plan"] + plan.costs["purchase orders"], 2
        ),
        "lp_status": plan.stats["lp_status"],
        "lp_columns": plan.stats["lp_columns"],
        "lp_rows": plan.stats["lp_rows"],
        "lp_binaries": plan.stats["lp_binaries"],
        "peak_rss_gb": round(_peak_rss_gb(), 3),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
