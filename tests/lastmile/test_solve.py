from __future__ import annotations

import dataclasses
from decimal import Decimal

from tests.lastmile.conftest import H, Instance, check_feasible, city_day
from worldpool.lastmile import (
    LastMileParams,
    Parcel,
    RoutingProblem,
    Stop,
    haversine_matrix,
    solve,
)
from worldpool.lastmile._model import layout

FAST = LastMileParams(seconds=1.0, max_trips=1, volume_fill=1.0)


def _solve_instance(inst: Instance) -> tuple[float, int]:
    plan = solve(inst.problem, dataclasses.replace(FAST, seconds=2.0), inst.matrix)
    check_feasible(plan, inst.problem, inst.matrix)
    assert not plan.unassigned
    served = [v.stop.id for r in plan.routes for v in r.visits]
    assert sorted(served) == sorted(s.id for s in inst.problem.stops)
    return plan.distance_m / 10, len(plan.routes)


def test_solomon_c101_near_best_known_and_feasible(c101: Instance) -> None:
    """C101 solved through the planner is feasible (checked here) and within 2 % of BKS."""
    cost, vans = _solve_instance(c101)
    assert cost <= c101.bks * 1.02
    assert vans <= 25


def test_solomon_rc105_feasible_within_five_percent(rc105: Instance) -> None:
    """RC105 (random-clustered) is feasible and within 5 % of BKS after 2 s."""
    cost, _ = _solve_instance(rc105)
    assert cost >= rc105.bks - 1e-6  # cannot beat the proven optimum
    assert cost <= rc105.bks * 1.05


def test_city_day_routes_are_feasible_with_costs() -> None:
    """A city day is served in full; costs are km x rate + hours x rate."""
    problem = city_day()
    params = LastMileParams(seconds=1.0)
    matrix = haversine_matrix(layout(problem).points, params.circuity, params.speed_kmh)
    plan = solve(problem, params)
    check_feasible(plan, problem, matrix)
    assert not plan.unassigned
    for r in plan.routes:
        expected = Decimal(r.distance_m) / 1000 * Decimal("0.35") + Decimal(
            r.duration_s
        ) / 3600 * Decimal("28")
        assert abs(r.cost - expected) <= Decimal("0.01")
    assert plan.matrix_source == "haversine x 1.3 @ 30 km/h"
    assert "0 stops unassigned" in plan.summary()


def test_forward_slack_is_the_delay_the_route_can_absorb() -> None:
    """Delaying a visit by its slack keeps every later window; one more second breaks one."""
    problem = city_day(n=12, vans=1)
    plan = solve(problem, LastMileParams(seconds=0.5))
    (route,) = plan.routes
    van = problem.vans[0]
    matrix = haversine_matrix(layout(problem).points, 1.3, 30)
    index = {s.id: 1 + i for i, s in enumerate(problem.stops)}

    def feasible_with_delay(k: int, delay: int) -> bool:
        t, here = (
            route.visits[k].start + delay + route.visits[k].stop.service_s,
            index[route.visits[k].stop.id],
        )
        if route.visits[k].start + delay > route.visits[k].stop.window_end:
            return False
        for v in route.visits[k + 1 :]:
            start = max(
                t + int(matrix.durations_s[here, index[v.stop.id]]), v.stop.window_start
            )
            if start > v.stop.window_end:
                return False
            t, here = start + v.stop.service_s, index[v.stop.id]
        return t + int(matrix.durations_s[here, 0]) <= van.shift_end

    for k, v in enumerate(route.visits):
        assert v.slack_s >= 0
        assert feasible_with_delay(k, v.slack_s)
        assert not feasible_with_delay(k, v.slack_s + 1)


def test_impossible_stops_are_reported_with_their_reason() -> None:
    """Too heavy, too big for a slot, an unreachable window: each left out, saying why."""
    day = city_day(n=6, vans=1)
    s = day.stops[0]
    heavy = dataclasses.replace(s, id="HEAVY", parcels=(Parcel("H1", "o", 900, 5),))
    bulky = dataclasses.replace(s, id="BULKY", parcels=(Parcel("B1", "o", 2, 400),))
    late = dataclasses.replace(s, id="LATE", window_start=20 * H, window_end=21 * H)
    problem = dataclasses.replace(day, stops=(*day.stops, heavy, bulky, late))
    plan = solve(problem, LastMileParams(seconds=0.5))
    codes = {u.stop_id: u.code for u in plan.unassigned}
    assert codes == {
        "HEAVY": "too_heavy",
        "BULKY": "parcel_too_big",
        "LATE": "unreachable",
    }
    reasons = {u.stop_id: u.reason for u in plan.unassigned}
    assert "900 kg" in reasons["HEAVY"] and "B1" in reasons["BULKY"]
    assert sum(len(r.visits) for r in plan.routes) == 6


def test_overfull_day_drops_stops_instead_of_failing() -> None:
    """More parcels than one trip can carry: the rest are unassigned, no capacity."""
    day = city_day(n=20, vans=1)
    van = dataclasses.replace(day.vans[0], capacity_kg=30.0)
    problem = dataclasses.replace(day, vans=(van,))
    plan = solve(problem, LastMileParams(seconds=0.5, max_trips=1))
    (route,) = plan.routes
    assert route.weight_kg <= 30.0
    assert plan.unassigned and {u.code for u in plan.unassigned} == {"no_capacity"}
    assert len(route.visits) + len(plan.unassigned) == 20


def test_multi_trip_reloads_when_the_shift_allows() -> None:
    """A small van with a long shift reloads at the depot and serves everyone."""
    day = city_day(n=16, vans=1)
    stops = tuple(
        dataclasses.replace(s, window_start=8 * H, window_end=18 * H) for s in day.stops
    )
    van = dataclasses.replace(day.vans[0], capacity_kg=50.0)
    problem = RoutingProblem(day.node, day.date, stops, (van,))
    assert 50 < sum(s.weight_kg for s in stops) < 200
    plan = solve(problem, LastMileParams(seconds=1.0, max_trips=6))
    check_feasible(plan, problem, haversine_matrix(layout(problem).points, 1.3, 30))
    (route,) = plan.routes
    assert not plan.unassigned
    assert route.trips >= 2
    assert {v.trip for v in route.visits} == set(range(1, route.trips + 1))


def test_no_stops_gives_an_empty_plan() -> None:
    """A day without stops plans no routes and reports nothing unassigned."""
    day = city_day(n=1, vans=1)
    plan = solve(dataclasses.replace(day, stops=()), LastMileParams(seconds=0.1))
    assert plan.routes == () and plan.unassigned == ()
    assert plan.to_dict()["routes"] == []


def test_plan_to_dict_lists_stops_with_times_and_slack() -> None:
    """The plain-data plan names each stop with HH:MM times, slack and parcels."""
    problem = city_day(n=5, vans=1)
    data = solve(problem, LastMileParams(seconds=0.3)).to_dict()
    stop = data["routes"][0]["stops"][0]
    assert set(stop) >= {"seq", "arrival", "start", "slack_min", "parcels", "window"}
    assert len(stop["arrival"]) == 5 and stop["arrival"][2] == ":"
    assert data["currency"] == "USD"


def test_stop_volume_and_weight_sum_parcels() -> None:
    """A stop's weight and volume are its parcels' sums."""
    s = Stop("S", 0, 0, (Parcel("a", "o", 1.5, 2), Parcel("b", "o", 2.5, 3)), 0, 1, 0)
    assert (s.weight_kg, s.volume_l) == (4.0, 5.0)
