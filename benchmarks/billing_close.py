"""Hub billing close: month-end statements for 200 sellers from 90 days of movements.

Usage::

    python benchmarks/billing_close.py --db postgresql+psycopg://postgres@127.0.0.1/wp_g

Setup (not timed): in its own schema (``--schema``, default ``billing_bench``;
kept between runs and rebuilt with ``--fresh`` or when the sizes change) the
benchmark bulk-loads (PostgreSQL ``COPY``) ``--sellers`` sellers with
``--skus`` SKUs between them and ``--days`` days of journal movements at the
hub ``CN-SZX`` ending on the last day of ``--month``: a receipt per SKU every
~30 days, reserve + ship pairs for orders (about 0.1 orders per SKU-day),
sea transfers to ``US-FC1``, a few count adjustments; fulfil-from-origin parcel
costs and value-added services for some October orders; balances equal to the
journal (``drift`` is checked).

Timed (``seconds``): :func:`worldpool.hub.service.close_month` for every seller
at once (SQL aggregates over the journal, daily snapshots, pricing in Decimal,
statements and lines written).

Reconciliation (not timed): every seller's statement is recomputed from its
movements one by one (:func:`worldpool.hub.billing.usage_from_movements`) and
compared line by line; ``unreconciled_cents`` is the sum of |difference| (must
be 0). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from worldpool.catalog import load_catalog
from worldpool.config import Settings
from worldpool.context import open_context
from worldpool.hub import CloseRequest
from worldpool.hub.billing import (
    MovementRow,
    charge_usage,
    month_bounds,
    price_usage,
    usage_from_movements,
)
from worldpool.hub.service import close_month, compare_lines, rate_card
from worldpool.hub.service import statement as read_statement
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine
from worldpool.ledger.journal import MOVEMENT_COLUMNS

HUB, FC, LANE = "CN-SZX", "US-FC1", "CN-SZX>US-FC1:sea"


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", required=True, help="PostgreSQL URL")
    p.add_argument("--schema", default="billing_bench")
    p.add_argument("--sellers", type=int, default=200)
    p.add_argument("--skus", type=int, default=50_000)
    p.add_argument("--days", type=int, default=90)
    p.add_argument("--month", default="2026-10")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--fresh", action="store_true", help="rebuild the data")
    return p.parse_args()


def _url(base: str, schema: str) -> str:
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _movements(
    args: argparse.Namespace,
) -> tuple[list[tuple[Any, ...]], dict[Any, list[int]], list[tuple[Any, ...]]]:
    """Simulate the journal; return movement rows, final balances and charge rows."""
    rng = random.Random(args.seed)
    _, end = month_bounds(args.month)
    start = end - timedelta(days=args.days)
    rows: list[tuple[Any, ...]] = []
    bal: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    charges: list[tuple[Any, ...]] = []
    first, _ = month_bounds(args.month)
    for i in range(args.skus):
        seller, sku = f"S{i % args.sellers:03d}", f"K{i:05d}"
        on_hand, n = 0, 0
        for d in range(args.days):
            day = start + timedelta(days=d)
            if d % 30 == i % 30:
                q = rng.randint(20, 200)
                rows.append(_row(seller, sku, "receive", q, day, 8, f"ASN-{i}-{d}", n))
                on_hand += q
                n += 1
            if rng.random() < 0.1 and on_hand > 0:
                q = min(on_hand, rng.choice((1, 1, 1, 2, 3)))
                ref = f"O-{i}-{d}"
                rows.append(_row(seller, sku, "reserve", q, day, 10, ref, n))
                rows.append(_row(seller, sku, "ship", q, day, 11, ref, n + 1))
                n += 2
                on_hand -= q
                if day >= first and rng.random() < 0.3:
                    cost = Decimal(rng.randint(300, 1500)) / 100
                    charges.append(
                        (
                            seller,
                            f"p-{ref}",
                            HUB,
                            "ffo_parcel",
                            ref,
                            1,
                            cost,
                            "USD",
                            _at(day, 12),
                        )
                    )
                    if rng.random() < 0.2:
                        charges.append(
                            (
                                seller,
                                f"l-{ref}",
                                HUB,
                                "vas_label",
                                ref,
                                q,
                                0,
                                "USD",
                                _at(day, 12),
                            )
                        )
            if d % 45 == 40 and on_hand > 10:
                q = on_hand // 3
                row = _row(seller, sku, "transfer_out", q, day, 14, f"T-{i}-{d}", n)
                rows.append(row)
                n += 1
                on_hand -= q
                bal[(seller, sku, FC)][2] += q
            if rng.random() < 0.003 and on_hand > 2:
                rows.append(_row(seller, sku, "adjust", -1, day, 16, f"C-{i}-{d}", n))
                n += 1
                on_hand -= 1
        bal[(seller, sku, HUB)][0] = on_hand
    return rows, bal, charges


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _row(
    seller: str, sku: str, kind: str, q: int, day: date, hour: int, ref: str, n: int
) -> tuple[Any, ...]:
    when = _at(day, hour)
    transfer = kind == "transfer_out"
    return (
        seller,
        f"{sku}-{n}",
        "bench",
        kind,
        sku,
        FC if transfer else HUB,
        HUB if transfer else None,
        LANE if transfer else None,
        q,
        0,
        0,
        "bench",
        ref,
        when,
        when,
    )


def _load(args: argparse.Namespace, url: str) -> int:
    """Create the schema and bulk-load the data; return the movement count."""
    engine = create_engine(make_url(args.db).set(drivername="postgresql+psycopg"))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{args.schema}"'))
    engine.dispose()
    ledger = Ledger(make_engine(url), load_catalog())
    ledger.init()
    rows, bal, charges = _movements(args)
    now = datetime.now(UTC)
    raw = ledger.engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy(
            "COPY skus (seller, sku, title, unit_weight_kg, unit_volume_m3, "
            "unit_cost, currency, created_at) FROM STDIN"
        ) as cp:
            rng = random.Random(args.seed + 1)
            for i in range(args.skus):
                vol = Decimal(rng.randint(300, 60000)) / Decimal(10**7)
                cp.write_row(
                    (
                        f"S{i % args.sellers:03d}",
                        f"K{i:05d}",
                        f"item {i}",
                        Decimal("0.4"),
                        vol,
                        Decimal("3.1"),
                        "USD",
                        now,
                    )
                )
        with cur.copy(
            f"COPY movements ({', '.join(MOVEMENT_COLUMNS)}) FROM STDIN"
        ) as cp:
            for r in rows:
                cp.write_row(r)
        with cur.copy(
            "COPY balances (seller, sku, node, on_hand, reserved, in_transit) "
            "FROM STDIN"
        ) as cp:
            for (s, k, node), (oh, rs, it) in bal.items():
                cp.write_row((s, k, node, oh, rs, it))
        with cur.copy(
            "COPY hub_charges (seller, idempotency_key, node, service, "
            "reference, qty, cost, currency, at) FROM STDIN"
        ) as cp:
            for c in charges:
                cp.write_row(c)
        cur.execute("CREATE TABLE bench_meta (params text)")
        cur.execute("INSERT INTO bench_meta VALUES (%s)", (_params(args),))
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    ledger.close()
    return len(rows)


def _params(args: argparse.Namespace) -> str:
    return f"{args.sellers}/{args.skus}/{args.days}/{args.month}/{args.seed}"


def _loaded(args: argparse.Namespace, url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            got = conn.execute(text("SELECT params FROM bench_meta")).scalar()
    except Exception:  # no schema or table yet
        return False
    finally:
        engine.dispose()
    return got == _params(args)


def _reconcile(ctx: Any, args: argparse.Namespace) -> tuple[int, int]:
    """Recompute every statement from movements one by one; return (cents, lines)."""
    card = rate_card(ctx)
    first, end = month_bounds(args.month)
    until = datetime.combine(end, datetime.min.time(), tzinfo=UTC)
    engine = ctx.engine.execution_options(stream_results=True)
    vols: dict[str, dict[str, Decimal]] = defaultdict(dict)
    moves: dict[str, list[MovementRow]] = defaultdict(list)
    with engine.connect() as conn:
        conn.execute(text("SELECT set_config('worldpool.seller', '*', false)"))
        for s, k, v in conn.execute(
            text("SELECT seller, sku, unit_volume_m3 FROM skus")
        ):
            vols[s][k] = v
        q = text(
            "SELECT seller, kind, sku, node, from_node, qty, damaged, short, "
            "reference, at FROM movements WHERE (node = :n OR from_node = :n) "
            "AND at < :u"
        )
        for r in conn.execute(q, {"n": HUB, "u": until}):
            moves[r[0]].append(MovementRow(*r[1:9], r[9].astimezone(UTC)))
        charges: dict[str, list[Any]] = defaultdict(list)
        cq = text(
            "SELECT seller, at, service, qty, cost FROM hub_charges WHERE node = :n"
        )
        for s, at, service, qty, cost in conn.execute(cq, {"n": HUB}):
            charges[s].append((at.astimezone(UTC).date(), service, qty, cost))
    cents = lines = 0
    for seller in sorted(moves):
        mine = card.for_seller(seller)
        _, usage = usage_from_movements(
            seller,
            HUB,
            args.month,
            moves[seller],
            vols[seller],
            mine.per_units("inbound_carton", first),
        )
        usage += _charge_usage(seller, charges[seller])
        again = price_usage(usage, mine)
        stored = read_statement(ctx.acting_as(seller=seller), args.month, HUB)
        rec = compare_lines(seller, args.month, stored.lines, again)
        cents += rec.unreconciled_cents
        lines += rec.lines
    return cents, lines


def _charge_usage(seller: str, rows: list[Any]) -> list[Any]:
    agg: dict[tuple[date, str], list[Any]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), 0]
    )
    for day, service, qty, cost in rows:
        a = agg[(day, service)]
        a[0] += qty
        a[1] += cost
        a[2] += 1
    return [
        charge_usage(seller, HUB, d, s, q, c, n) for (d, s), (q, c, n) in agg.items()
    ]


def main() -> int:
    args = _args()
    url = _url(args.db, args.schema)
    t0 = time.perf_counter()
    generated = None
    if args.fresh or not _loaded(args, url):
        generated = _load(args, url)
        print(
            f"loaded {generated} movements in {time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
        )
    ctx = open_context(Settings.from_env().with_(database_url=url), role="hub")
    with ctx.engine.connect() as conn:
        n_moves = conn.execute(text("SELECT count(*) FROM movements")).scalar()
    t1 = time.perf_counter()
    result = close_month(ctx, CloseRequest(args.month, HUB))
    seconds = time.perf_counter() - t1
    print(f"closed {result.summary()} in {seconds:.2f} s", file=sys.stderr)
    cents, compared = _reconcile(ctx, args)
    drift = Ledger(ctx.engine, ctx.catalog).check(all_sellers=True)
    ctx.close()
    out = {
        "seconds": round(seconds, 3),
        "statement_lines": result.lines,
        "unreconciled_cents": cents,
        "sellers": result.sellers,
        "skus": args.skus,
        "days": args.days,
        "movements": n_moves,
        "snapshots": result.snapshots,
        "lines_compared": compared,
        "drift": len(drift.drifts),
        "totals": {k: str(v) for k, v in result.totals.items()},
        "target_seconds": 60,
    }
    print(json.dumps(out))
    return 0 if cents == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
