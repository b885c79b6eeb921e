"""One place that runs PyVRP: the solver settings worldpool uses everywhere.

The product (:func:`worldpool.lastmile.solve`) and the benchmark
(``benchmarks/vrp_gap.py``) both call :func:`run_pyvrp`, so the gap the
benchmark reports is the gap of the settings sellers get. The search itself
uses PyVRP's default settings (untuned, see BENCHMARKS.md); what worldpool
adds is running one independent search per core, each with its own seed, and
keeping the best (PyVRP's iterated local search is single-threaded).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from pyvrp import CostEvaluator, ProblemData, Solution, SolveParams, solve
from pyvrp.search import NeighbourhoodParams

__all__ = ["default_workers", "run_pyvrp"]

Progress = Callable[[float], None]
"""Called with the fraction of the time limit used so far (0..1)."""

MAX_WORKERS = 8
"""Cap on the automatic number of parallel searches."""


class _Deadline:
    """PyVRP stopping criterion: a time limit that reports progress.

    Wall-clock time by default (what a dispatcher waits), counted from
    ``start`` on the monotonic clock when given (so that searches started in
    other processes stop at the same moment); CPU time of this process when
    ``cpu`` is set (the benchmark's way to measure the solver on a shared
    machine as if it had the cores to itself). With ``iterations`` it also
    stops after that many search iterations (reproducible whatever the load).
    """

    def __init__(
        self,
        seconds: float,
        on_progress: Progress | None,
        cpu: bool,
        start: float | None = None,
        iterations: int | None = None,
    ) -> None:
        self._iterations = iterations
        self._done = 0
        self._clock = time.process_time if cpu else time.monotonic
        self._seconds = seconds
        self._on_progress = on_progress
        self._start = start if start is not None and not cpu else self._clock()
        self._last = -1.0

    def __call__(self, best_cost: int) -> bool:
        used = (self._clock() - self._start) / self._seconds
        stop = used >= 1.0
        if self._iterations is not None:
            stop = stop or self._done >= self._iterations
            self._done += 1
        if self._on_progress is not None:
            used = min(1.0, used)
            # Report at most every 1 % so a Rich bar is not redrawn per iteration.
            if stop or used - self._last >= 0.01:
                self._last = used
                self._on_progress(1.0 if stop else used)
        return stop


def default_workers() -> int:
    """Number of parallel searches used when none is asked for.

    One per CPU this process may run on (``os.sched_getaffinity``), at most
    :data:`MAX_WORKERS`.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cpus))


def search_once(
    data: ProblemData,
    seconds: float,
    seed: int,
    on_progress: Progress | None,
    cpu_time: bool,
    start: float | None,
    iterations: int | None = None,
    neighbours: int | None = None,
) -> Solution:
    """Run one PyVRP search (in this process) and return its best solution.

    Arguments as :func:`run_pyvrp`; ``start`` is the monotonic-clock moment
    the wall-clock limit counts from (None: now).
    """
    stop = _Deadline(seconds, on_progress, cpu_time, start, iterations)
    result = solve(
        data,
        stop=stop,
        seed=seed,
        collect_stats=False,
        display=False,
        params=_params(neighbours),
    )
    return result.best


def _params(neighbours: int | None) -> SolveParams:
    """PyVRP's default settings, with ``neighbours`` granular neighbours if given."""
    if neighbours is None:
        return SolveParams()
    return SolveParams(neighbourhood=NeighbourhoodParams(num_neighbours=neighbours))


def _rank(sol: Solution) -> tuple[bool, int, float]:
    """Sort key: feasible first, then fewer missing clients, then lower cost."""
    ev = CostEvaluator([1.0] * len(sol.excess_load()), 1.0, 1.0)
    return (not sol.is_feasible(), sol.num_missing_clients(), ev.penalised_cost(sol))


def run_pyvrp(
    data: ProblemData,
    seconds: float,
    seed: int,
    on_progress: Progress | None = None,
    *,
    cpu_time: bool = False,
    workers: int | None = None,
    iterations: int | None = None,
    neighbours: int | None = None,
) -> Solution:
    """Solve ``data`` with PyVRP's iterated local search and return the best solution.

    With ``workers`` > 1, ``workers - 1`` helper processes run the same
    search with seeds ``seed + 1``, ``seed + 2``, ... alongside this
    process's search (seed ``seed``), all stopping at the same time limit;
    the best solution wins (feasible first, then cost; ties go to the lower
    seed). A helper that fails is ignored, so the answer is never worse than
    the single search with ``seed``.

    Args:
        data: The PyVRP problem (integer distances, durations and loads).
        seconds: Wall-clock time limit, in seconds (> 0).
        seed: Random seed; the same seed, data, workers and CPU time give the
            same answer.
        on_progress: Called with the fraction of ``seconds`` used.
        cpu_time: Count each search's own CPU seconds instead of wall-clock
            ones (each search then gets ``seconds`` of CPU).
        workers: Parallel searches (default :func:`default_workers`: one per
            available CPU).
        iterations: Also stop each search after this many iterations (tests
            and reproducible runs: the answer then no longer depends on load).
        neighbours: Granular neighbourhood size (default PyVRP's, 50); fewer
            neighbours buy more iterations in a short time limit (see
            BENCHMARKS.md: not the default until checked on every class).
    """
    n = default_workers() if workers is None else max(1, workers)
    start = time.monotonic()
    helpers = [
        _Helper((data, seconds, seed + k, cpu_time, start, iterations, neighbours))
        for k in range(1, n)
    ]
    found = [
        search_once(
            data, seconds, seed, on_progress, cpu_time, start, iterations, neighbours
        )
    ]
    found += [sol for h in helpers if (sol := h.result()) is not None]
    return min(found, key=_rank)


_Job = tuple[ProblemData, float, int, bool, float, int | None, int | None]
"""A helper's arguments: data, seconds, seed, cpu_time, start, iterations,
neighbours."""


class _Helper:
    """One search in a separate Python process (``python -m ..._worker``).

    The problem goes in and the best solution comes back pickled over the
    process's stdin/stdout; a thread feeds it so the caller's own search
    starts at once. A plain subprocess, not :mod:`multiprocessing`, so the
    caller's ``__main__`` is never re-imported (scripts, notebooks, servers).
    """

    def __init__(self, job: _Job) -> None:
        self._out: bytes | None = None
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "worldpool.lastmile._worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._thread = threading.Thread(
            target=self._talk, args=(pickle.dumps(job),), daemon=True
        )
        self._thread.start()

    def _talk(self, payload: bytes) -> None:
        out, _ = self._proc.communicate(payload)
        if self._proc.returncode == 0:
            self._out = out

    def result(self) -> Solution | None:
        """Wait for the helper; its best solution, or None if it failed."""
        self._thread.join()
        if not self._out:
            return None
        try:
            sol = pickle.loads(self._out)  # our own child's bytes
        except Exception:  # a lost helper only costs quality
            return None
        return sol if isinstance(sol, Solution) else None
