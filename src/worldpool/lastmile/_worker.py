"""Helper process of :func:`worldpool.lastmile._engine.run_pyvrp`.

Reads one pickled job ``(data, seconds, seed, cpu_time, start, iterations,
neighbours)`` from stdin,
runs one PyVRP search and writes the pickled best solution to stdout.
"""

from __future__ import annotations

import pickle
import sys

from worldpool.lastmile._engine import search_once


def main() -> int:
    """Run the job on stdin; exit status 0 when a solution was written."""
    job = pickle.loads(sys.stdin.buffer.read())  # from our own parent process
    data, seconds, seed, cpu_time, start, iterations, neighbours = job
    best = search_once(
        data, seconds, seed, None, cpu_time, start, iterations, neighbours
    )
    sys.stdout.buffer.write(pickle.dumps(best))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
