"""One place that runs PyVRP: the solver settings worldpool uses everywhere.

The product (:func:`worldpool.lastmile.solve`) and the benchmark
(``benchmarks/vrp_gap.py``) both call :func:`run_pyvrp`, so the gap the
benchmark reports is the gap of the settings sellers get. The settings are
PyVRP's defaults: they were not tuned per instance (see BENCHMARKS.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pyvrp import ProblemData, Solution, SolveParams, solve

__all__ = ["run_pyvrp"]

Progress = Callable[[float], None]
"""Called with the fraction of the time limit used so far (0..1)."""


class _Deadline:
    """PyVRP stopping criterion: a time limit that reports progress.

    Wall-clock time by default (what a dispatcher waits); CPU time of this
    process when ``cpu`` is set (the benchmark's way to measure the solver
    on a shared machine as if it had a core to itself).
    """

    def __init__(self, seconds: float, on_progress: Progress | None, cpu: bool) -> None:
        self._clock = time.process_time if cpu else time.perf_counter
        self._seconds = seconds
        self._on_progress = on_progress
        self._start = self._clock()
        self._last = -1.0

    def __call__(self, best_cost: int) -> bool:
        used = (self._clock() - self._start) / self._seconds
        stop = used >= 1.0
        if self._on_progress is not None:
            used = min(1.0, used)
            # Report at most every 1 % so a Rich bar is not redrawn per iteration.
            if stop or used - self._last >= 0.01:
                self._last = used
                self._on_progress(1.0 if stop else used)
        return stop


def run_pyvrp(
    data: ProblemData,
    seconds: float,
    seed: int,
    on_progress: Progress | None = None,
    *,
    cpu_time: bool = False,
) -> Solution:
    """Solve ``data`` with PyVRP's iterated local search and return the best solution.

    Args:
        data: The PyVRP problem (integer distances, durations and loads).
        seconds: Wall-clock time limit, in seconds (> 0).
        seed: Random seed; the same seed, data and CPU time give the same answer.
        on_progress: Called with the fraction of ``seconds`` used.
        cpu_time: Count this process's CPU seconds instead of wall-clock ones.
    """
    stop = _Deadline(seconds, on_progress, cpu_time)
    result = solve(
        data,
        stop=stop,
        seed=seed,
        collect_stats=False,
        display=False,
        params=SolveParams(),
    )
    return result.best
