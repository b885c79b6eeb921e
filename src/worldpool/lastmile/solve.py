"""Solve a day of deliveries: VRP with time windows, capacities and reloads.

:func:`solve` screens out stops no van could ever serve (with the reason),
hands the rest to PyVRP (every stop optional with a large prize, so an
overfull day drops stops instead of failing), and reads the routes back with
arrival times, waits and forward slack.

References:
    Wouda, Lan & Kool (2024), "PyVRP: a high-performance VRP solver
    package", *INFORMS Journal on Computing* 36(4): 943-955.
    Savelsbergh (1992), "The vehicle routing problem with time windows:
    minimizing route duration", *ORSA J. on Computing* 4(2): 146-154
    (forward time slack).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pyvrp import Route as PyvrpRoute

from worldpool.i18n import t
from worldpool.lastmile._engine import run_pyvrp
from worldpool.lastmile._model import Layout, build_model, layout
from worldpool.lastmile.matrix import TravelMatrix, haversine_matrix
from worldpool.lastmile.problem import (
    LastMileParams,
    RoutingProblem,
    Stop,
    Unassigned,
    Van,
)
from worldpool.lastmile.routes import Route, RoutePlan, Visit

__all__ = ["screen", "solve"]


def _too_big(
    stop: Stop, vans: tuple[Van, ...], fill: float, lang: str
) -> Unassigned | None:
    if stop.weight_kg > max(v.capacity_kg for v in vans):
        return Unassigned(
            stop.id,
            "too_heavy",
            t("{kg} kg is more than any van carries", lang, kg=f"{stop.weight_kg:g}"),
        )
    largest_slot = max(s.volume_l for v in vans for s in v.shelf)
    big = [p for p in stop.parcels if p.volume_l > largest_slot]
    if big:
        return Unassigned(
            stop.id,
            "parcel_too_big",
            t(
                "parcel {parcel} ({litres} l) does not fit any shelf slot",
                lang,
                parcel=big[0].id,
                litres=f"{big[0].volume_l:g}",
            ),
        )
    if stop.volume_l > max(v.shelf_l * fill for v in vans):
        return Unassigned(
            stop.id,
            "too_bulky",
            t(
                "{litres} l is more than any van's shelves hold",
                lang,
                litres=f"{stop.volume_l:g}",
            ),
        )
    return None


def _reachable(
    stop_point: int,
    stop: Stop,
    problem: RoutingProblem,
    lay: Layout,
    matrix: TravelMatrix,
) -> bool:
    """True when some van can leave, serve the stop in its window and be back."""
    dur = matrix.durations_s
    for van, d in zip(problem.vans, lay.van_depot, strict=True):
        start = max(van.shift_start + int(dur[d, stop_point]), stop.window_start)
        back = start + stop.service_s + int(dur[stop_point, d])
        if start <= stop.window_end and back <= van.shift_end:
            return True
    return False


def screen(
    problem: RoutingProblem, matrix: TravelMatrix, params: LastMileParams, lang: str
) -> tuple[list[int], list[Unassigned]]:
    """Split stops into those worth solving and those no van can ever serve.

    Args:
        problem: The day's stops and vans.
        matrix: Travel matrix over :func:`layout` points.
        params: Planner settings (``volume_fill``).
        lang: Language of the reasons.

    Returns:
        Indices of the stops to solve, and the others with the reason.
    """
    lay = layout(problem)
    keep: list[int] = []
    out: list[Unassigned] = []
    for i, stop in enumerate(problem.stops):
        bad = _too_big(stop, problem.vans, params.volume_fill, lang)
        if bad is None and stop.window_end < stop.window_start:
            bad = Unassigned(
                stop.id, "bad_window", t("the time window ends before it starts", lang)
            )
        if bad is None and not _reachable(lay.n_depots + i, stop, problem, lay, matrix):
            bad = Unassigned(
                stop.id,
                "unreachable",
                t(
                    "no van can reach it within its time window and return "
                    "before the shift ends",
                    lang,
                ),
            )
        if bad is None:
            keep.append(i)
        else:
            out.append(bad)
    return keep, out


def _slacks(lates: list[int], starts: list[int], waits: list[int]) -> list[int]:
    """Forward time slack per activity (last one is the return to the depot)."""
    out = [0] * len(starts)
    running = lates[-1] - starts[-1]
    out[-1] = running
    for k in range(len(starts) - 2, -1, -1):
        running = min(lates[k] - starts[k], running + waits[k + 1])
        out[k] = running
    return out


def _read_route(
    r: PyvrpRoute,
    van: Van,
    d: int,
    stops: list[Stop],
    points: list[int],
    matrix: TravelMatrix,
) -> Route:
    acts = r.schedule()[1:]  # the first activity is leaving the depot
    lates = [stops[a.idx].window_end if a.is_client() else van.shift_end for a in acts]
    slack = _slacks(
        lates, [a.start_time for a in acts], [a.wait_duration for a in acts]
    )
    visits: list[Visit] = []
    prev = d
    for a, s in zip(acts, slack, strict=True):
        here = points[a.idx] if a.is_client() else d
        leg = int(matrix.distances_m[prev, here])
        prev = here
        if not a.is_client():
            continue
        stop = stops[a.idx]
        visits.append(
            Visit(
                len(visits) + 1,
                a.trip + 1,
                stop,
                a.start_time - a.wait_duration,
                a.start_time,
                a.end_time,
                s,
                leg,
            )
        )
    start, end = r.start_time(), r.end_time()
    cost = (
        Decimal(r.distance()) / 1000 * van.cost_per_km
        + Decimal(end - start) / 3600 * van.cost_per_hour
        + van.fixed_cost
    ).quantize(Decimal("0.01"))
    return Route(
        van.id,
        tuple(visits),
        r.num_trips(),
        start,
        end,
        r.distance(),
        cost,
        van.currency,
        sum(v.stop.weight_kg for v in visits),
        sum(v.stop.volume_l for v in visits),
    )


def _dropped(kept: list[PyvrpRoute], stops: list[Stop], lang: str) -> list[Unassigned]:
    served = {a.idx for r in kept for a in r.schedule() if a.is_client()}
    return [
        Unassigned(
            s.id,
            "no_capacity",
            t("no van has room or time left for it today", lang),
        )
        for i, s in enumerate(stops)
        if i not in served
    ]


def solve(
    problem: RoutingProblem,
    params: LastMileParams | None = None,
    matrix: TravelMatrix | None = None,
    language: str = "en",
    on_progress: Callable[[float], None] | None = None,
) -> RoutePlan:
    """Plan the day's routes for ``problem``.

    Args:
        problem: Stops, vans and rejected input rows.
        params: Solver time limit, seed, haversine settings, trips per shift.
        matrix: Travel matrix over the depots then the stops (see
            :func:`worldpool.lastmile._model.layout`); default haversine x
            ``params.circuity`` at ``params.speed_kmh``.
        language: Language of the unassigned reasons.
        on_progress: Called with the share of the time limit used (0..1).
    """
    params = params or LastMileParams()
    lay = layout(problem)
    if matrix is None:
        matrix = haversine_matrix(lay.points, params.circuity, params.speed_kmh)
    keep, unassigned = screen(problem, matrix, params, language)
    routes: list[Route] = []
    if keep:
        data = build_model(problem, keep, lay, matrix, params)
        sol = run_pyvrp(
            data,
            params.seconds,
            params.seed,
            on_progress,
            workers=params.workers or None,
        )
        stops = [problem.stops[i] for i in keep]
        points = [lay.n_depots + i for i in keep]
        # Every stop is optional, so the empty plan is feasible and PyVRP's best
        # is too; a broken one is never handed to drivers.
        kept = sol.routes() if sol.is_feasible() else []
        for r in kept:
            vt = r.vehicle_type()
            routes.append(
                _read_route(
                    r, problem.vans[vt], lay.van_depot[vt], stops, points, matrix
                )
            )
        unassigned += _dropped(kept, stops, language)
    elif on_progress is not None:
        on_progress(1.0)
    order = {v.id: k for k, v in enumerate(problem.vans)}
    return RoutePlan(
        problem.node,
        problem.date,
        tuple(sorted(routes, key=lambda r: order[r.van_id])),
        tuple(problem.rejected) + tuple(unassigned),
        matrix.source,
        params.seconds,
        params.seed,
    )
