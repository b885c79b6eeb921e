"""Forecast speed: series per second per core, and Dask 2-worker speed-up.

Usage::

    python benchmarks/forecast_speed.py                  # 100,000 series x 365 days
    python benchmarks/forecast_speed.py --series 20000 --no-dask

Data: ``--series`` synthetic intermittent series of ``--days`` daily values
(seed 0): each series has a demand probability drawn from U(0.03, 0.6) and
demand sizes 1 + Poisson(mean drawn from Gamma(1, 3)), so every
Syntetos-Boylan class occurs.

* ``series_per_s_per_core`` -- the default pipeline on the demand matrix
  (``worldpool.demand.forecast_matrix``: fit all candidates, choose per
  segment by a 2-window rolling-origin backtest, 28-day window quantiles
  P50-P99), in one process with BLAS/OpenMP pinned to one thread: series
  per CPU-second of the process (``local_cpu_seconds``), so that other work
  on a shared machine does not count against it; ``series_per_s_wall`` is
  the same per wall-clock second. The frame <-> matrix conversion of the
  frame API (pandas pivot) is not included.
* ``dask_speedup_2w`` -- the same two blocks on a ``LocalCluster`` of 2 worker
  processes x 1 thread, one block per worker, each generated on its worker
  beforehand (as each worker of a real cluster reads its own partition):
  single-process time / cluster time (``dask_worker_cpu_seconds_2w``: the
  CPU seconds the workers spent, to compare with ``local_cpu_seconds``; equal
  values mean no per-worker overhead). The machine's core count and load
  average are printed: on a machine shared with other work the speed-up is
  bounded by the cores the other work leaves.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402 - thread limits must be set before NumPy loads
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from worldpool.demand import forecast_matrix  # noqa: E402


def synthetic(series: int, days: int, seed: int = 0) -> np.ndarray:
    """Intermittent demand, units per day, ``(days, series)``."""
    rng = np.random.default_rng(seed)
    prob = rng.uniform(0.03, 0.6, series)
    mean = rng.gamma(1.0, 3.0, series)
    occurs = rng.random((days, series)) < prob
    sizes = 1 + rng.poisson(mean, (days, series))
    return np.where(occurs, sizes, 0).astype(np.float64)


def _blocks(series: int, days: int, parts: int) -> list[tuple[int, int, int]]:
    """(series, days, seed) of each block: the data are generated per block."""
    sizes = np.array_split(np.arange(series), parts)
    return [(len(b), days, k) for k, b in enumerate(sizes)]


def _run(y: np.ndarray) -> float:
    """Run the pipeline on one block; return the CPU seconds of this thread."""
    c0 = time.thread_time()
    forecast_matrix(y, first_weekday=0, horizon_days=28)
    return time.thread_time() - c0


def _time_local(blocks: list[np.ndarray], repeats: int) -> tuple[float, float]:
    """Best (wall seconds, CPU seconds of this process) over ``repeats`` runs."""
    wall = cpu = float("inf")
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        for y in blocks:
            _run(y)
        wall = min(wall, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return wall, cpu


def _time_dask(spec: list[tuple[int, int, int]], workers: int) -> tuple[float, float]:
    """Time the pipeline on blocks already held by the workers.

    Each worker generates its own block first (as each worker of a real
    cluster reads its own partition), so no data cross the network while the
    clock runs.
    """
    import dask
    from dask.distributed import Client, LocalCluster, wait

    # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536. Setting any glibc
    # malloc threshold switches off glibc's adaptive mmap threshold, so every
    # array above 128 KiB is mmap'ed and page-faulted afresh: measured 1.8x the
    # CPU time of a plain process on this pipeline. A 32 MiB mmap threshold
    # (glibc's adaptive maximum) and a 128 MiB trim threshold restore it.
    environ = {
        "MALLOC_TRIM_THRESHOLD_": str(1 << 27),
        "MALLOC_MMAP_THRESHOLD_": str(1 << 25),
    }
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ": environ}),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,  # fmt: skip
        Client(cluster) as client,
    ):
        names = list(client.scheduler_info()["workers"])
        data = [
            client.submit(synthetic, *b, workers=[names[i % len(names)]], pure=False)
            for i, b in enumerate(spec)
        ]
        wait(data)
        warm = client.map(lambda y: _run(y[:, :500]), data, pure=False)
        wait(warm)
        t0 = time.perf_counter()
        done = client.map(_run, data, pure=False)
        wait(done)
        wall = time.perf_counter() - t0
        return wall, sum(client.gather(done))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--no-dask", action="store_true")
    args = ap.parse_args()
    spec = _blocks(args.series, args.days, 2)
    blocks = [synthetic(*b) for b in spec]
    forecast_matrix(blocks[0][:, :1000], first_weekday=0, horizon_days=28)  # warm
    local, cpu = _time_local(blocks, args.repeats)
    result: dict[str, object] = {
        "series": args.series,
        "days": args.days,
        "cores_on_machine": os.cpu_count(),
        "local_seconds": round(local, 3),
        "local_cpu_seconds": round(cpu, 3),
        "series_per_s_wall": round(args.series / local),
        "series_per_s_per_core": round(args.series / cpu),
    }
    if not args.no_dask:
        dask_s, dask_cpu = _time_dask(spec, 2)
        result["dask_seconds_2w"] = round(dask_s, 3)
        result["dask_worker_cpu_seconds_2w"] = round(dask_cpu, 3)
        result["dask_speedup_2w"] = round(local / dask_s, 3)
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
