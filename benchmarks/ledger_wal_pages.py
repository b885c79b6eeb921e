"""SQLite pages written per posted movement: a load-independent ledger cost.

Usage::

    python benchmarks/ledger_wal_pages.py [--ops 500]

Wall-clock throughput on a shared machine varies by 2-4x between runs; the number
of 4 KiB pages a transaction appends to the write-ahead log does not. With WAL
checkpoints switched off, the growth of the ``-wal`` file over ``--ops``
operations, divided by the frame size, is the pages each operation wrote
(every table and index page it changed). Phases follow
``benchmarks/ledger_throughput.py``: receipts on one SKU, reserves of one hot
SKU, reserves of random SKUs among 10,000, all through :class:`Ledger`, one
transaction each. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).parent))
import ledger_throughput as lt
from worldpool.catalog import load_catalog
from worldpool.ledger.db import make_engine
from worldpool.ledger.store import Ledger

_FRAME = 4096 + 24  # page plus WAL frame header (default page size)


def _no_checkpoints(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")


def pages_per_op(wal: Path, op: Callable[[int], object], n: int) -> float:
    """Return the WAL pages appended per call of ``op`` over ``n`` calls."""
    before = wal.stat().st_size
    for i in range(n):
        op(i)
    return round((wal.stat().st_size - before) / _FRAME / n, 2)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ops", type=int, default=500, help="operations per phase")
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="worldpool-pages-"))
    engine = make_engine(f"sqlite:///{tmp / 'ledger.db'}")
    event.listen(engine, "connect", _no_checkpoints)
    ledger = Ledger(engine, load_catalog())
    try:
        ledger.init()
        ledger.register_skus([lt.sku_record("ONE-0"), lt.sku_record("HOT-0")])
        skus = lt.setup_10k(ledger)
        ledger.post(lt.receive("HOT-0", args.ops, "hot-stock"))
        wal = tmp / "ledger.db-wal"
        rng = random.Random(args.seed)
        result = {
            "pages_per_receive_1w": pages_per_op(
                wal, lambda i: ledger.post(lt.receive("ONE-0", 1, f"one-{i}")), args.ops
            ),
            "pages_per_reserve_hot": pages_per_op(
                wal,
                lambda i: ledger.reserve("HOT-0", lt.HUB, 1, f"O-h{i}", f"hot-{i}"),
                args.ops,
            ),
            "pages_per_reserve_10k": pages_per_op(
                wal,
                lambda i: ledger.reserve(
                    rng.choice(skus), lt.HUB, 1, f"O-k{i}", f"10k-{i}"
                ),
                args.ops,
            ),
            "drift": len(ledger.check().drifts),
        }
    finally:
        ledger.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result))
    return 0 if result["drift"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
