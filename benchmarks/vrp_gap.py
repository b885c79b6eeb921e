"""Gap to best-known solutions on VRPTW (Solomon) and CVRP (X) instances.

Usage::

    python benchmarks/vrp_gap.py --data ../shared/data/vrp --seconds 10
    python benchmarks/vrp_gap.py --data DIR --seconds 2 --only C1 --only X-n101

Solves every instance in ``DIR`` (``solomon/*.txt`` in Solomon's text format,
``cvrp_x/*.vrp`` in VRPLIB format, or either kind directly in ``DIR``) with
worldpool's own solver settings (``worldpool.lastmile._engine.run_pyvrp``,
the same call the route planner makes), one instance after the other, for
``--seconds`` of wall-clock time each, and compares the cost with
``DIR/bks.csv`` (``instance, cost``).

Cost conventions (they must match the BKS, see the data README):

* **Solomon (VRPTW)** -- DIMACS/CVRPLIB convention, the one of ``bks.csv``'s
  ``cost`` column: d(i, j) = Euclidean distance truncated to one decimal
  (computed as ``floor(10 d)`` in integers, reported / 10), travel time =
  distance, objective = total distance only (at most the instance's 25
  vehicles; the vehicle count is *not* minimised first). The hierarchical
  ``cost_hier`` column is not used.
* **X (CVRP)** -- TSPLIB EUC_2D: Euclidean distance rounded to the nearest
  integer, objective = total distance, unlimited fleet (``pyvrp.read`` with
  ``round_func="round"``).

``--seconds`` is wall-clock time (the target's definition). On a shared
machine ``--cpu-time`` limits each instance by the CPU seconds the process
gets instead, which measures the solver as if it had a core to itself (the
``clock`` key says which was used).

An instance counts as infeasible when the best solution breaks capacity or a
time window or leaves a customer out; its gap is then not averaged.

The last line is one JSON object: ``instances``, ``mean_gap_pct``,
``max_gap_pct``, ``infeasible``, ``seconds_per_instance`` (plus ``seed``,
per-set means, ``wall_s`` and ``cpu_s``: the CPU time the process actually
got, which shows how contended the machine was).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from pathlib import Path

import vrplib
from pyvrp import Model, ProblemData, read

from worldpool.lastmile._engine import default_workers, run_pyvrp

_DIMACS = 10
"""Solomon distances are floor(10 d) integers, i.e. tenths."""


def solomon_data(path: Path) -> ProblemData:
    """Build the PyVRP problem of a Solomon instance under the DIMACS convention."""
    inst = vrplib.read_instance(str(path), instance_format="solomon")
    coords = inst["node_coord"]
    tws = inst["time_window"]
    m = Model()
    locs = [m.add_location(float(x), float(y)) for x, y in coords]
    depot = m.add_depot(
        locs[0], tw_early=int(tws[0][0]) * _DIMACS, tw_late=int(tws[0][1]) * _DIMACS
    )
    m.add_vehicle_type(
        num_available=int(inst["vehicles"]),
        capacity=int(inst["capacity"]),
        start_depot=depot,
        end_depot=depot,
        tw_early=int(tws[0][0]) * _DIMACS,
        tw_late=int(tws[0][1]) * _DIMACS,
    )
    for i in range(1, len(locs)):
        m.add_client(
            locs[i],
            delivery=int(inst["demand"][i]),
            service_duration=int(inst["service_time"][i]) * _DIMACS,
            tw_early=int(tws[i][0]) * _DIMACS,
            tw_late=int(tws[i][1]) * _DIMACS,
        )
    for i, (xi, yi) in enumerate(coords):
        for j, (xj, yj) in enumerate(coords):
            if i != j:
                d = math.floor(_DIMACS * math.hypot(xi - xj, yi - yj))
                m.add_edge(locs[i], locs[j], distance=d, duration=d)
    return m.data()


def instances(folder: Path, only: list[str]) -> list[tuple[str, Path]]:
    """Return (name, path) of every Solomon ``.txt`` and VRPLIB ``.vrp`` file."""
    paths = sorted(folder.glob("*.txt")) + sorted(folder.glob("*/*.txt"))
    paths += sorted(folder.glob("*.vrp")) + sorted(folder.glob("*/*.vrp"))
    found = [(p.stem, p) for p in paths if p.name.lower() != "readme.txt"]
    if only:
        found = [(n, p) for n, p in found if any(n.startswith(o) for o in only)]
    return found


def solve_one(
    path: Path,
    seconds: float,
    seed: int,
    cpu_time: bool = False,
    workers: int | None = None,
    neighbours: int | None = None,
) -> tuple[float, bool]:
    """Return (cost in the BKS's units, feasible) for the instance at ``path``."""
    if path.suffix == ".txt":
        data, scale = solomon_data(path), _DIMACS
    else:
        data, scale = read(path, round_func="round"), 1
    best = run_pyvrp(
        data,
        seconds,
        seed,
        cpu_time=cpu_time,
        workers=workers,
        neighbours=neighbours,
    )
    feasible = best.is_feasible() and best.num_missing_clients() == 0
    return best.distance() / scale, feasible


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the JSON summary as the last line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True, help="Folder with bks.csv.")
    ap.add_argument("--seconds", type=float, default=10.0, help="Per instance.")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", action="append", default=[], help="Name prefix.")
    ap.add_argument(
        "--cpu-time",
        action="store_true",
        help="Limit each instance by CPU seconds, not wall-clock (shared machines).",
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=None,
        help="Parallel searches per instance (default: the planner's, one per CPU).",
    )
    ap.add_argument(
        "--neighbours",
        type=int,
        default=None,
        help="Granular neighbourhood size (default: PyVRP's, as the planner).",
    )
    args = ap.parse_args(argv)
    workers = default_workers() if args.workers is None else args.workers
    with (args.data / "bks.csv").open(newline="") as f:
        bks = {r["instance"]: float(r["cost"]) for r in csv.DictReader(f)}
    t0, c0 = time.perf_counter(), time.process_time()
    gaps: dict[str, float] = {}
    infeasible = 0
    for name, path in instances(args.data, args.only):
        if name not in bks:
            print(f"{name}: no best-known cost in bks.csv, skipped", file=sys.stderr)
            continue
        cost, feasible = solve_one(
            path, args.seconds, args.seed, args.cpu_time, workers, args.neighbours
        )
        gap = 100.0 * (cost - bks[name]) / bks[name]
        infeasible += not feasible
        if feasible:
            gaps[name] = gap
        print(
            f"{name:14s} cost {cost:12.1f}  bks {bks[name]:12.1f}  "
            f"gap {gap:7.3f} %  {'ok' if feasible else 'INFEASIBLE'}",
            flush=True,
        )
    solomon = [g for n, g in gaps.items() if not n.startswith("X-")]
    cvrp = [g for n, g in gaps.items() if n.startswith("X-")]
    summary = {
        "instances": len(gaps) + infeasible,
        "mean_gap_pct": round(sum(gaps.values()) / max(1, len(gaps)), 4),
        "max_gap_pct": round(max(gaps.values(), default=0.0), 4),
        "infeasible": infeasible,
        "seconds_per_instance": args.seconds,
        "seed": args.seed,
        "workers": workers,
        "neighbours": args.neighbours or 50,
        "clock": "cpu" if args.cpu_time else "wall",
        "mean_gap_pct_solomon": round(sum(solomon) / max(1, len(solomon)), 4),
        "mean_gap_pct_x": round(sum(cvrp) / max(1, len(cvrp)), 4),
        "wall_s": round(time.perf_counter() - t0, 1),
        # CPU seconds this process got: well below wall time = a shared machine.
        "cpu_s": round(time.process_time() - c0, 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
