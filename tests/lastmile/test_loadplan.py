from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.lastmile.conftest import city_day
from worldpool.lastmile import (
    LastMileParams,
    Parcel,
    Stop,
    Visit,
    plan_load,
    plan_loads,
    slot_layout,
    solve,
)


def _visits(volumes: list[list[float]]) -> tuple[Visit, ...]:
    out = []
    for i, vols in enumerate(volumes):
        parcels = tuple(
            Parcel(f"P{i}-{k}", f"O{i}", 1.0, v) for k, v in enumerate(vols)
        )
        stop = Stop(f"S{i}", 0.0, 0.0, parcels, 0, 86_400, 60)
        out.append(Visit(i + 1, 1, stop, 0, 0, 0, 0, 0))
    return tuple(out)


def _check_invariants(
    volumes: list[list[float]], bays: int, levels: int, capacity: float
) -> None:
    slots = slot_layout(capacity, bays, levels)
    plan = plan_load("V", 1, _visits(volumes), slots)
    rank = {s.code: k for k, s in enumerate(plan.slots)}
    # Every parcel is placed once, or listed as overflow.
    ids = [p.parcel.id for p in (*plan.placements, *plan.overflow)]
    assert sorted(ids) == sorted(
        f"P{i}-{k}" for i, v in enumerate(volumes) for k in range(len(v))
    )
    # No slot holds more than its volume.
    for s in plan.slots:
        assert plan.used_l(s.code) <= s.volume_l + 1e-6
    # Stops take slots in delivery order from the door: slot rank never goes back.
    ranks = [rank[p.slot] for p in plan.placements]
    assert ranks == sorted(ranks)
    # A stop's parcels sit together: one contiguous run of slots, no other stop inside.
    for seq in {p.seq for p in plan.placements}:
        mine = [rank[p.slot] for p in plan.placements if p.seq == seq]
        inside = {
            p.seq for p in plan.placements if min(mine) < rank[p.slot] < max(mine)
        }
        assert inside <= {seq}
    # Loading goes in reverse delivery order (last stop first).
    seqs = [p.seq for p in plan.loading_order]
    assert seqs == sorted(seqs, reverse=True)


@settings(max_examples=60, deadline=None)
@given(
    volumes=st.lists(
        st.lists(st.floats(0.1, 60, allow_nan=False), min_size=1, max_size=4),
        min_size=1,
        max_size=15,
    ),
    bays=st.integers(1, 6),
    levels=st.integers(1, 4),
    capacity=st.floats(100, 2000),
)
def test_load_plan_invariants(
    volumes: list[list[float]], bays: int, levels: int, capacity: float
) -> None:
    """Slots never overfill, stops stay together in order from the door, load in reverse."""
    _check_invariants(volumes, bays, levels, capacity)


def test_first_stop_sits_by_the_door_and_is_loaded_last() -> None:
    """Stop 1 gets slot A1 (door side); its parcels are the last ones loaded."""
    plan = plan_load("V", 1, _visits([[10, 5], [30], [20]]), slot_layout(300, 3, 2))
    assert [p.slot for p in plan.placements if p.seq == 1] == ["A1", "A1"]
    assert [p.seq for p in plan.loading_order][-2:] == [1, 1]
    assert plan.loading_order[0].seq == 3
    assert not plan.overflow


def test_parcels_that_do_not_fit_in_order_are_overflow() -> None:
    """When the slots are full, the rest are listed as overflow with no slot code."""
    plan = plan_load("V", 1, _visits([[40], [40], [40]]), slot_layout(100, 2, 1))
    assert [p.parcel.id for p in plan.overflow] == ["P2-0"]
    assert plan.overflow[0].slot == ""
    assert plan.to_dict()["overflow"] == ["P2-0"]


def test_each_trip_of_a_route_gets_its_own_load_plan() -> None:
    """A multi-trip route has one plan per trip, each starting at the door again."""
    day = city_day(n=16, vans=1)
    van = dataclasses.replace(day.vans[0], capacity_kg=50.0)
    stops = tuple(
        dataclasses.replace(s, window_start=8 * 3600, window_end=18 * 3600)
        for s in day.stops
    )
    problem = dataclasses.replace(day, stops=stops, vans=(van,))
    plan = solve(problem, LastMileParams(seconds=0.8, max_trips=6))
    (route,) = plan.routes
    loads = plan_loads(route, van.shelf)
    assert [lp.trip for lp in loads] == list(range(1, route.trips + 1))
    for lp in loads:
        trip_seqs = {v.seq for v in route.trip_visits(lp.trip)}
        assert {p.seq for p in lp.placements} | {
            p.seq for p in lp.overflow
        } == trip_seqs
        assert lp.placements[0].slot == "A1"


def test_summary_tells_the_loader_about_overflow() -> None:
    """Parcels that miss the shelves are named in the result's summary."""
    from worldpool.lastmile.service import RoutingResult

    problem = city_day(n=6, vans=1)
    plan = solve(problem, LastMileParams(seconds=0.3))
    (route,) = plan.routes
    tiny = slot_layout(60, 1, 2)
    loads = {route.van_id: plan_loads(route, tiny)}
    result = RoutingResult(plan, loads, (), (problem.vans[0].depot,))
    overflow = [p.parcel.id for lp in loads[route.van_id] for p in lp.overflow]
    assert overflow
    assert f"{len(overflow)} parcels do not fit" in result.summary()
    assert overflow[0] in result.summary()
