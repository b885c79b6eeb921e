"""Ledger throughput: movements/s, concurrent reservations/s, and the raw limit.

Usage::

    python benchmarks/ledger_throughput.py                       # fresh SQLite file
    python benchmarks/ledger_throughput.py --db postgresql+psycopg://u@host/db

Phases (each sized by ``--ops`` and capped by ``--seconds``):

1. **Single writer** -- ``--ops`` ``RECEIVE`` movements through
   :meth:`Ledger.post`, one transaction each -> ``movements_per_s_1w``.
2. **Hot SKU** -- one SKU gets ``S`` units at the hub ``CN-SZX`` (``S`` is 75 % of
   the attempts, so the stock really runs out); ``--writers`` threads, each on its
   own pooled connection, reserve qty 1 with unique idempotency keys until the
   attempts are used up. Successes and ``InsufficientStock`` refusals are counted;
   the rate is successful reservations per second from the start until the last
   success -> ``reserve_per_s_16w_hot``. ``oversold`` is ``successes - S`` (if
   positive) plus any balance row with ``reserved > on_hand`` or a ``reserved``
   that disagrees with the success count.
3. **10,000 SKUs** -- the SKUs are registered in one :meth:`Ledger.register_skus`
   call and stocked with receipts posted by ``post_on`` in batched transactions
   (setup only); then ``--writers`` threads reserve qty 1 of random SKUs ->
   ``reserve_per_s_16w_10k``.
4. **Cross-process hot SKU** -- ``--writers`` separate processes (``spawn``), each
   with its own engine, reserve one fresh hot SKU until it runs out ->
   ``oversold_processes`` (skip with ``--no-processes``).
5. **Raw insert limit** -- a plain table ``bench_raw_insert`` with the same
   columns (types and sizes) as ``movements`` and the same primary key, but no
   other index, foreign key or constraint. Rows of the same size as a reserve
   movement are inserted one per transaction through the same engine (same
   driver, same ``BEGIN``/``COMMIT`` path, SQLAlchemy Core ``insert``), by one
   writer -> ``raw_insert_per_s``, and by ``--writers`` threads ->
   ``raw_insert_per_s_16w`` (context only). The table is dropped afterwards.
   This is the most a journal-writing ledger could do on this machine: every
   posted movement is at least one such insert and one commit.
6. **Check** -- :meth:`Ledger.check` recomputes balances from the journal;
   ``drift`` is the number of disagreeing rows.

``reserve_per_s_16w`` is the hot-SKU figure (the harder case) and ``ratio`` is
``reserve_per_s_16w / raw_insert_per_s``. Target: ratio >= 0.3, oversold = 0,
drift = 0.

On PostgreSQL the benchmark works in its own schema (``--schema``, default
``worldpool_bench``), dropped and recreated at the start and dropped at the end,
so nothing else in the database is touched. The last line printed is one JSON
object with every figure.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import random
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import URL, make_url

from worldpool.catalog import load_catalog
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.domain.product import SkuRecord
from worldpool.errors import InsufficientStock
from worldpool.ledger.db import make_engine, normalise_url
from worldpool.ledger.effects import validate
from worldpool.ledger.journal import post_on
from worldpool.ledger.store import Ledger

HUB = "CN-SZX"
SKU_COUNT = 10_000
SETUP_BATCH = 1_000
STOCK_10K = 100
MARKET = "US"
# Same id type as ``movements.id`` (BIGINT, INTEGER on SQLite to autoincrement).
_BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


# -- helpers -----------------------------------------------------------------
def sku_record(sku: str) -> SkuRecord:
    """Return a small valid SKU listed in one marketplace."""
    return SkuRecord(
        sku=sku,
        title=f"bench item {sku}",
        unit_weight_kg=Decimal("0.25"),
        unit_volume_m3=Decimal("0.001"),
        unit_cost=Decimal("3.50"),
        currency="USD",
        listed_markets=(MARKET,),
    )


def receive(sku: str, qty: int, key: str) -> Movement:
    """Return a receipt of ``qty`` units at the hub."""
    return Movement(MovementKind.RECEIVE, sku, HUB, qty, "ASN", f"ASN-{key}", key)


def bench_url(raw: str | None, schema: str, tmp: Path) -> URL:
    """Return the URL to benchmark: a fresh SQLite file, or PostgreSQL in ``schema``."""
    if raw is None:
        return make_url(f"sqlite:///{tmp / 'ledger.db'}")
    url = normalise_url(raw)
    if url.get_backend_name() == "postgresql":
        opts = str(url.query.get("options", ""))
        url = url.update_query_dict(
            {"options": f"{opts} -csearch_path={schema}".strip()}
        )
    return url


def reset_schema(raw: str, schema: str, *, create: bool) -> None:
    """Drop (and optionally recreate) the benchmark's own PostgreSQL schema."""
    engine = make_engine(raw)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        if create:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()


@dataclass(slots=True)
class Tally:
    """Thread-shared counters of one concurrent phase."""

    ok: int = 0
    short: int = 0
    errors: list[str] = field(default_factory=list)
    last_ok: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_threads(
    writers: int,
    attempts: int,
    deadline_s: float,
    op: Callable[[int], None],
) -> tuple[Tally, float, float]:
    """Run ``op(i)`` for i in 0..attempts-1 on ``writers`` threads.

    Returns the tally, the start time and the end time (perf_counter).
    """
    tally = Tally()
    counter = itertools.count()
    barrier = threading.Barrier(writers + 1)

    def worker() -> None:
        barrier.wait()
        stop = start + deadline_s
        while True:
            i = next(counter)
            if i >= attempts or time.perf_counter() > stop:
                return
            try:
                op(i)
            except InsufficientStock:
                with tally.lock:
                    tally.short += 1
            except Exception as exc:  # report, never hide
                with tally.lock:
                    tally.errors.append(f"{type(exc).__name__}: {exc}")
            else:
                now = time.perf_counter()
                with tally.lock:
                    tally.ok += 1
                    tally.last_ok = max(tally.last_ok, now)

    threads = [threading.Thread(target=worker) for _ in range(writers)]
    for t in threads:
        t.start()
    start = time.perf_counter()
    barrier.wait()
    for t in threads:
        t.join()
    return tally, start, time.perf_counter()


# -- phases ------------------------------------------------------------------
def phase_single_writer(ledger: Ledger, ops: int, seconds: float) -> float:
    ledger.register_skus([sku_record("ONE-0")])
    start = time.perf_counter()
    stop = start + seconds
    done = 0
    for i in range(ops):
        ledger.post(receive("ONE-0", 1, f"one-{i}"))
        done += 1
        if time.perf_counter() > stop:
            break
    return done / (time.perf_counter() - start)


def hot_oversold(ledger: Ledger, sku: str, stock: int, successes: int) -> int:
    """Return the oversell seen on one hot SKU (0 when sound)."""
    over = max(0, successes - stock)
    (bal,) = ledger.balances(sku=sku, node=HUB)
    if bal.reserved > bal.on_hand:
        over += bal.reserved - bal.on_hand
    if bal.reserved != successes or bal.on_hand != stock:
        over += abs(bal.reserved - successes)
    return over


def phase_hot(
    ledger: Ledger, writers: int, ops: int, seconds: float
) -> tuple[float, int, Tally]:
    stock = max(1, ops * 3 // 4)
    ledger.register_skus([sku_record("HOT-0")])
    ledger.post(receive("HOT-0", stock, "hot-stock"))

    def op(i: int) -> None:
        ledger.reserve("HOT-0", HUB, 1, f"ORD-hot-{i}", f"hot-{i}")

    tally, start, _ = run_threads(writers, ops, seconds, op)
    rate = tally.ok / max(tally.last_ok - start, 1e-9)
    return rate, hot_oversold(ledger, "HOT-0", stock, tally.ok), tally


def setup_10k(ledger: Ledger) -> list[str]:
    skus = [f"SKU-{n:05d}" for n in range(SKU_COUNT)]
    ledger.register_skus(sku_record(s) for s in skus)
    nodes = ledger.catalog.nodes
    for lo in range(0, len(skus), SETUP_BATCH):
        with ledger.engine.begin() as conn:
            for s in skus[lo : lo + SETUP_BATCH]:
                m = receive(s, STOCK_10K, f"stock-{s}")
                validate(m, nodes)
                post_on(conn, m, seller=ledger.seller)
    return skus


def phase_10k(
    ledger: Ledger, skus: list[str], writers: int, ops: int, seconds: float, seed: int
) -> tuple[float, int, Tally]:
    rng = random.Random(seed)
    picks = [rng.choice(skus) for _ in range(ops)]

    def op(i: int) -> None:
        ledger.reserve(picks[i], HUB, 1, f"ORD-10k-{i}", f"10k-{i}")

    tally, start, _ = run_threads(writers, ops, seconds, op)
    rate = tally.ok / max(tally.last_ok - start, 1e-9)
    over = sum(max(0, b.reserved - b.on_hand) for b in ledger.balances(node=HUB))
    return rate, over, tally


def process_worker(
    url: str, sku: str, attempts: int, wid: int, barrier: Any, out: Any
) -> None:
    """Child process: reserve ``sku`` ``attempts`` times; report (ok, short, errors)."""
    ledger = Ledger(make_engine(url), load_catalog())
    ok = short = errors = 0
    barrier.wait()
    for i in range(attempts):
        try:
            ledger.reserve(sku, HUB, 1, f"ORD-p{wid}-{i}", f"proc-{wid}-{i}")
        except InsufficientStock:
            short += 1
        except Exception:
            errors += 1
        else:
            ok += 1
    ledger.close()
    out.put((ok, short, errors))


def phase_processes(
    ledger: Ledger, url: URL, writers: int, per_proc: int
) -> tuple[int, int, int, int]:
    """Return (oversold, successes, refusals, errors) across ``writers`` processes."""
    stock = max(1, writers * per_proc * 3 // 4)
    ledger.register_skus([sku_record("HOT-P")])
    ledger.post(receive("HOT-P", stock, "hot-p-stock"))
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(writers)
    out = ctx.Queue()
    url_s = url.render_as_string(hide_password=False)
    procs = [
        ctx.Process(
            target=process_worker, args=(url_s, "HOT-P", per_proc, w, barrier, out)
        )
        for w in range(writers)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join()
    ok = sum(r[0] for r in results)
    short = sum(r[1] for r in results)
    errors = sum(r[2] for r in results)
    return hot_oversold(ledger, "HOT-P", stock, ok), ok, short, errors


def raw_table(metadata: MetaData) -> Table:
    """Return a table shaped like ``movements``: same columns, primary key only."""
    return Table(
        "bench_raw_insert",
        metadata,
        Column("id", _BIG_ID, primary_key=True, autoincrement=True),
        Column("idempotency_key", String(200), nullable=False),
        Column("payload_hash", String(64), nullable=False),
        Column("kind", String(16), nullable=False),
        Column("sku", String(64), nullable=False),
        Column("node", String(32), nullable=False),
        Column("from_node", String(32)),
        Column("lane", String(64)),
        Column("qty", Integer, nullable=False),
        Column("damaged", Integer, nullable=False),
        Column("short", Integer, nullable=False),
        Column("reason", Text, nullable=False),
        Column("reference", String(200), nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("posted_at", DateTime(timezone=True), nullable=False),
    )


def phase_raw(
    engine: Engine, writers: int, ops: int, seconds: float
) -> tuple[float, float]:
    metadata = MetaData()
    table = raw_table(metadata)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    stmt = table.insert()

    def row(i: int, tag: str) -> dict[str, Any]:
        now = datetime.now(UTC)
        return {
            "idempotency_key": f"{tag}-{i}",
            "payload_hash": "f" * 64,
            "kind": "reserve",
            "sku": "HOT-0",
            "node": HUB,
            "from_node": None,
            "lane": None,
            "qty": 1,
            "damaged": 0,
            "short": 0,
            "reason": "reserve for order",
            "reference": f"ORD-hot-{i}",
            "at": now,
            "posted_at": now,
        }

    try:
        start = time.perf_counter()
        stop = start + seconds
        done = 0
        for i in range(ops):
            with engine.begin() as conn:
                conn.execute(stmt, row(i, "raw1"))
            done += 1
            if time.perf_counter() > stop:
                break
        one = done / (time.perf_counter() - start)

        def op(i: int) -> None:
            with engine.begin() as conn:
                conn.execute(stmt, row(i, "raw16"))

        tally, t0, t1 = run_threads(writers, ops, seconds, op)
        if tally.errors:
            print(f"raw 16w errors: {tally.errors[:3]}", file=sys.stderr)
        many = tally.ok / (t1 - t0)
    finally:
        metadata.drop_all(engine)
    return one, many


# -- main --------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default=None, help="database URL (default: fresh SQLite)")
    p.add_argument("--ops", type=int, default=2000, help="operations per phase")
    p.add_argument("--seconds", type=float, default=20.0, help="cap per phase")
    p.add_argument("--writers", type=int, default=16)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--per-process", type=int, default=25, help="attempts per process")
    p.add_argument("--no-processes", action="store_true", help="skip phase 4")
    p.add_argument("--schema", default="worldpool_bench", help="PostgreSQL schema")
    return p.parse_args(argv)


def errors_of(*tallies: Tally) -> list[str]:
    return [e for t in tallies for e in t.errors]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="worldpool-bench-"))
    url = bench_url(args.db, args.schema, tmp)
    backend = url.get_backend_name()
    if backend == "postgresql":
        reset_schema(args.db, args.schema, create=True)
    engine = make_engine(url)
    ledger = Ledger(engine, load_catalog())
    try:
        ledger.init()
        timer = time.perf_counter()
        one_w = phase_single_writer(ledger, args.ops, args.seconds)
        hot, over_hot, t_hot = phase_hot(ledger, args.writers, args.ops, args.seconds)
        t_setup = time.perf_counter()
        skus = setup_10k(ledger)
        t_setup = time.perf_counter() - t_setup
        many, over_10k, t_10k = phase_10k(
            ledger, skus, args.writers, args.ops, args.seconds, args.seed
        )
        proc: tuple[int, int, int, int] | None = None
        if not args.no_processes:
            proc = phase_processes(ledger, url, args.writers, args.per_process)
        raw1, raw16 = phase_raw(engine, args.writers, args.ops, args.seconds)
        drift = len(ledger.check().drifts)
        total = time.perf_counter() - timer
    finally:
        ledger.close()
        if backend == "postgresql":
            reset_schema(args.db, args.schema, create=False)
        shutil.rmtree(tmp, ignore_errors=True)

    errs = errors_of(t_hot, t_10k)
    result = {
        "backend": backend,
        "movements_per_s_1w": round(one_w, 1),
        "reserve_per_s_16w": round(hot, 1),
        "reserve_per_s_16w_hot": round(hot, 1),
        "reserve_per_s_16w_10k": round(many, 1),
        "raw_insert_per_s": round(raw1, 1),
        "raw_insert_per_s_16w": round(raw16, 1),
        "ratio": round(hot / raw1, 3),
        "oversold": over_hot + over_10k,
        "oversold_processes": None if proc is None else proc[0],
        "drift": drift,
        "writers": args.writers,
        "errors": len(errs) + (0 if proc is None else proc[3]),
    }
    rows = [
        ("movements/s, 1 writer", f"{one_w:,.0f}"),
        (f"reservations/s, {args.writers}w, hot SKU", f"{hot:,.0f}"),
        ("  hot SKU: reserved / refused", f"{t_hot.ok} / {t_hot.short}"),
        (f"reservations/s, {args.writers}w, {SKU_COUNT:,} SKUs", f"{many:,.0f}"),
        ("  10k setup (register + stock), s", f"{t_setup:.1f}"),
        ("raw inserts/s, 1 writer", f"{raw1:,.0f}"),
        (f"raw inserts/s, {args.writers} writers", f"{raw16:,.0f}"),
        ("ratio (hot reserve / raw insert)", f"{hot / raw1:.3f}"),
        ("oversold (threads)", str(over_hot + over_10k)),
    ]
    if proc is not None:
        rows.append(
            (
                f"oversold ({args.writers} processes)",
                f"{proc[0]} ({proc[1]} reserved, {proc[2]} refused)",
            )
        )
    rows += [("journal drift rows", str(drift)), ("total time, s", f"{total:.1f}")]
    print(f"worldpool ledger throughput on {backend}")
    for name, value in rows:
        print(f"  {name:<40} {value:>24}")
    for e in errs[:5]:
        print(f"  error: {e}", file=sys.stderr)
    print(json.dumps(result))
    return 0 if result["oversold"] == 0 and drift == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
