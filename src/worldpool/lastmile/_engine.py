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
from pyvrp.stop import MaxRuntime

__all__ = ["run_pyvrp"]

Progress = Callable[[float], None]
"""Called with the fraction of the time limit used so far (0..1)."""


class _Deadline:
    """PyVRP stopping criterion: a wall-clock limit that reports progress."""

    def __init__(self, seconds: float, on_progress: Progress | None) -> None:
        self._limit = MaxRuntime(seconds)
        self._seconds = seconds
        self._on_progress = on_progress
        self._start = time.perf_counter()
        self._last = -1.0

    def __call__(self, best_cost: int) -> bool:
        stop = bool(self._limit(best_cost))
        if self._on_progress is not None:
            used = min(1.0, (time.perf_counter() - self._start) / self._seconds)
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
) -> Solution:
    """Solve ``data`` with PyVRP's iterated local search and return the best solution.

    Args:
        data: The PyVRP problem (integer distances, durations and loads).
        seconds: Wall-clock time limit, in seconds (> 0).
        seed: Random seed; the same seed, data and CPU time give the same answer.
        on_progress: Called with the fraction of ``seconds`` used.
    """
    stop = _Deadline(seconds, on_progress)
    result = solve(
        data,
        stop=stop,
        seed=seed,
        collect_stats=False,
        display=False,
        params=SolveParams(),
    )
    return result.best
