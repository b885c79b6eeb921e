"""Translate a :class:`RoutingProblem` into a PyVRP model (integer units).

Units inside PyVRP: metres, seconds, grams and millilitres; costs in units of
1e-5 of the fleet's currency so that a cost per km of 0.35 stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pyvrp import Depot, Model, ProblemData

from worldpool.lastmile.matrix import TravelMatrix
from worldpool.lastmile.problem import LastMileParams, RoutingProblem, Stop, Van

__all__ = ["COST_UNIT", "Layout", "build_model", "layout"]

COST_UNIT = Decimal("0.00001")
"""One PyVRP cost unit, in the fleet's currency."""


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each depot and stop sits in the list of matrix points."""

    points: tuple[tuple[float, float], ...]
    """``(lat, lon)``: the distinct depots first, then the stops."""
    van_depot: tuple[int, ...]
    """Per van, the index of its depot in ``points``."""
    n_depots: int
    """Number of distinct depots (stop ``i`` is point ``n_depots + i``)."""


def layout(problem: RoutingProblem) -> Layout:
    """Return the matrix points of ``problem``: depots, then stops."""
    depots: list[tuple[float, float]] = []
    for van in problem.vans:
        if van.depot not in depots:
            depots.append(van.depot)
    stops = [(s.lat, s.lon) for s in problem.stops]
    return Layout(
        tuple(depots + stops),
        tuple(depots.index(v.depot) for v in problem.vans),
        len(depots),
    )


def _units(value: Decimal, per: Decimal) -> int:
    return int((value / per / COST_UNIT).to_integral_value())


def _add_van(m: Model, van: Van, depot: Depot, params: LastMileParams) -> None:
    volume_ml = int(van.shelf_l * params.volume_fill * 1000)
    m.add_vehicle_type(
        num_available=1,
        capacity=[int(van.capacity_kg * 1000), volume_ml],
        start_depot=depot,
        end_depot=depot,
        fixed_cost=_units(van.fixed_cost, Decimal(1)),
        tw_early=van.shift_start,
        tw_late=van.shift_end,
        unit_distance_cost=_units(van.cost_per_km, Decimal(1000)),
        unit_duration_cost=_units(van.cost_per_hour, Decimal(3600)),
        reload_depots=[depot] if params.max_trips > 1 else [],
        max_reloads=params.max_trips - 1,
        name=van.id,
    )


def _add_stop(m: Model, stop: Stop, location: object, prize: int) -> None:
    m.add_client(
        location,  # type: ignore[arg-type]
        delivery=[
            round(stop.weight_kg * 1000),
            round(stop.volume_l * 1000),
        ],
        service_duration=stop.service_s,
        tw_early=stop.window_start,
        tw_late=stop.window_end,
        prize=prize,
        required=False,
        name=stop.id,
    )


def build_model(
    problem: RoutingProblem,
    keep: list[int],
    lay: Layout,
    matrix: TravelMatrix,
    params: LastMileParams,
) -> ProblemData:
    """Return PyVRP data for the stops ``keep`` (indices into ``problem.stops``).

    Every stop is optional with a prize of ``params.drop_cost``, so a stop the
    fleet cannot fit is left out (and reported) instead of making the whole
    plan infeasible.
    """
    m = Model()
    depot_points = list(range(lay.n_depots))
    point_ids = depot_points + [lay.n_depots + i for i in keep]
    locations = [m.add_location(lay.points[p][1], lay.points[p][0]) for p in point_ids]
    depots = [m.add_depot(locations[d]) for d in depot_points]
    for van, d in zip(problem.vans, lay.van_depot, strict=True):
        _add_van(m, van, depots[d], params)
    prize = _units(params.drop_cost, Decimal(1))
    for k, i in enumerate(keep):
        _add_stop(m, problem.stops[i], locations[lay.n_depots + k], prize)
    dist, dur = matrix.distances_m, matrix.durations_s
    for a, pa in enumerate(point_ids):
        for b, pb in enumerate(point_ids):
            if a != b:
                m.add_edge(
                    locations[a],
                    locations[b],
                    distance=int(dist[pa, pb]),
                    duration=int(dur[pa, pb]),
                )
    return m.data()
