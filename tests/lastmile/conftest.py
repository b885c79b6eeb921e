"""Last-mile fixtures: real Solomon instances as routing problems, a small city day."""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
import vrplib

from worldpool.lastmile import (
    Parcel,
    RoutePlan,
    RoutingProblem,
    Stop,
    TravelMatrix,
    Van,
    slot_layout,
)
from worldpool.lastmile._model import layout

DATA = Path(__file__).parents[1] / "data" / "vrp"
DAY = dt.date(2026, 12, 7)
H = 3600


@dataclass(frozen=True)
class Instance:
    """A Solomon instance as a routing problem, its matrix and best-known cost."""

    problem: RoutingProblem
    matrix: TravelMatrix
    bks: float


def solomon(name: str) -> Instance:
    """Load ``tests/data/vrp/NAME.txt`` under the DIMACS convention (x10 integers)."""
    inst = vrplib.read_instance(str(DATA / f"{name}.txt"), instance_format="solomon")
    xy, tw = inst["node_coord"], inst["time_window"]
    vans = tuple(
        Van(
            f"V{k:02d}",
            float(inst["capacity"]),
            1e6,
            int(tw[0][0]) * 10,
            int(tw[0][1]) * 10,
            xy[0][1] / 1000,
            xy[0][0] / 1000,
            Decimal(1),
            Decimal(0),
        )
        for k in range(int(inst["vehicles"]))
    )
    stops = tuple(
        Stop(
            f"C{i}",
            xy[i][1] / 1000,
            xy[i][0] / 1000,
            (Parcel(f"P{i}", f"O{i}", float(inst["demand"][i]), 0.001),),
            int(tw[i][0]) * 10,
            int(tw[i][1]) * 10,
            int(inst["service_time"][i]) * 10,
        )
        for i in range(1, len(xy))
    )
    problem = RoutingProblem("US-FC1", DAY, stops, vans)
    assert layout(problem).n_depots == 1
    d = np.array(
        [
            [math.floor(10 * math.hypot(a[0] - b[0], a[1] - b[1])) for b in xy]
            for a in xy
        ],
        dtype=np.int64,
    )
    with (DATA / "bks.csv").open() as f:
        bks = {r["instance"]: float(r["cost"]) for r in csv.DictReader(f)}
    return Instance(problem, TravelMatrix(d, d.copy(), "dimacs"), bks[name])


def city_day(n: int = 30, vans: int = 2, seed: int = 3) -> RoutingProblem:
    """A made-up day in lower Manhattan: ``n`` stops with 1-3 parcels each."""
    rng = random.Random(seed)
    stops = []
    for i in range(n):
        parcels = tuple(
            Parcel(
                f"P{i}-{k}",
                f"shopify:{1000 + i}",
                round(rng.uniform(0.3, 8), 2),
                round(rng.uniform(1, 30), 1),
            )
            for k in range(rng.randint(1, 3))
        )
        start = rng.choice([8, 9, 10, 12, 14]) * H
        stops.append(
            Stop(
                f"S{i:02d}",
                40.71 + rng.uniform(-0.03, 0.03),
                -74.0 + rng.uniform(-0.03, 0.03),
                parcels,
                start,
                start + 3 * H,
                180,
                name=f"Recipient {i}",
                address=f"{i} Broad St",
            )
        )
    fleet = tuple(
        Van(
            f"VAN-{j + 1}",
            400,
            2000,
            8 * H,
            18 * H,
            40.70,
            -74.01,
            Decimal("0.35"),
            Decimal("28"),
            slots=slot_layout(2000, 4, 3),
        )
        for j in range(vans)
    )
    return RoutingProblem("US-FC1", DAY, tuple(stops), fleet)


def check_feasible(
    plan: RoutePlan, problem: RoutingProblem, matrix: TravelMatrix
) -> None:
    """Re-simulate every route from the matrix: windows, shift, capacity, legs."""
    from worldpool.lastmile._model import layout

    lay = layout(problem)
    index = {s.id: lay.n_depots + i for i, s in enumerate(problem.stops)}
    vans = {v.id: (v, lay.van_depot[k]) for k, v in enumerate(problem.vans)}
    dur, dist = matrix.durations_s, matrix.distances_m
    for route in plan.routes:
        van, depot = vans[route.van_id]
        t, here, metres = route.start, depot, 0
        assert route.start >= van.shift_start
        for trip in sorted({v.trip for v in route.visits}):
            visits = route.trip_visits(trip)
            assert sum(v.stop.weight_kg for v in visits) <= van.capacity_kg + 1e-6
            assert sum(v.stop.volume_l for v in visits) <= van.shelf_l + 1e-6
            for v in visits:
                there = index[v.stop.id]
                arrival = t + int(dur[here, there])
                start = max(arrival, v.stop.window_start)
                assert start <= v.stop.window_end, (v.stop.id, start)
                assert (v.arrival, v.start) == (arrival, start)
                metres += int(dist[here, there])
                t, here = start + v.stop.service_s, there
            t += int(dur[here, depot])
            metres += int(dist[here, depot])
            here = depot
        assert t <= van.shift_end
        assert route.end == t
        assert route.distance_m == metres


@pytest.fixture(scope="session")
def c101() -> Instance:
    """Solomon C101 (clustered, tight windows) as a routing problem."""
    return solomon("C101")


@pytest.fixture(scope="session")
def rc105() -> Instance:
    """Solomon RC105 (random-clustered) as a routing problem."""
    return solomon("RC105")
