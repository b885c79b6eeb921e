"""Channel sync under load: 7 loopback channels selling one pool, with faults.

Seven connections, dealt round-robin over every provider of the connector
registry that has a loopback fake (today 4 Amazon accounts + 3 Shopify shops;
new providers join by registering a connector and a fake), sell 1,000 SKUs,
scarce on a hot few, for ``--seconds``. Shoppers buy only what their channel
shows. Faults: 10 % 5xx on every fake, a 429 storm every 10 s, and one sync
worker killed with SIGKILL midway (two workers run; a fresh one starts after
the kill). The workers are real ``worldpool sync run`` processes.

Last line: JSON with ``orders_ingested_per_s``, ``lost_orders``,
``duplicate_orders``, ``oversold_units`` (units the pool could not reserve:
no SKU here allows backorders), ``oversell_rate``, ``sync_lag_p50_s`` /
``sync_lag_p99_s`` (journal change -> level acknowledged by the channel, per
connection and change) and ``drift``.

Which changes the lag counts (since 2026-12-06, branch ``synha``): those made
once selling started, i.e. the driven period the issue defines (orders on
every channel, restocks, the faults, the kill) and the drain after it. The
initial level of every SKU is published before the worker processes start, so
its "lag" is mostly process start-up (about 6 s for eBay), not a stock change
during the run; with it, as every run before printed, the figures are
``sync_lag_p50_incl_setup_s`` / ``sync_lag_p99_incl_setup_s`` (and
``sync_lag_p99_by_provider_incl_setup``). ``slow_lags_by_bucket`` counts the
driven changes per 5 s of change time since selling started (changes, lags
over 5 s, the largest lag), ``slow_lags_by_connection`` the lags over 5 s per
connection, and ``kill_at_s`` says when the worker was killed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from worldpool.catalog import load_catalog
from worldpool.catalog.fx import load_fx
from worldpool.config import Settings
from worldpool.connectors import feed, service
from worldpool.connectors.buffers import load_buffer_rules
from worldpool.connectors.providers import PROVIDERS
from worldpool.context import Context
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine, normalise_url
from worldpool.testing import make_sku
from worldpool.testing.fake_channels import FAKES, FakeChannel

SECRET = "bench-secret"
DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/wp_connectors"


def _schema(url: str) -> tuple[str, str]:
    base = normalise_url(url)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with create_engine(base).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = base.update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), schema


def _setup(url: str, n_skus: int, hot: int, hot_units: int) -> tuple[Ledger, Context]:
    ledger = Ledger(make_engine(url), load_catalog())
    ledger.init()
    skus = [f"SKU-{i:04d}" for i in range(n_skus)]
    ledger.register_skus([make_sku(s) for s in skus])
    for i, sku in enumerate(skus):
        qty = hot_units if i < hot else 1000
        ledger.post(
            Movement(MovementKind.RECEIVE, sku, "US-FC1", qty, "ASN", "A1", f"r0:{sku}")
        )
    return ledger, _ctx_of(ledger, url)


def _ctx_of(ledger: Ledger, url: str) -> Context:
    """A context on ``ledger`` (the benchmark's own reads)."""
    return Context(
        ledger.engine,
        ledger.catalog,
        load_fx(None),
        Settings(database_url=url, secret_key=SECRET),
        "default",
    )


def _providers(only: str | None = None) -> list[str]:
    """Channel ids with a live connector AND a loopback fake, in registry order.

    ``only``: a comma-separated subset (e.g. ``amazon,shopify`` to compare
    with runs made before eBay, TikTok Shop and Walmart had fakes).
    """
    missing = [c for c in PROVIDERS if c not in FAKES]
    if missing:
        print(f"no loopback fake for {', '.join(missing)}: left out", file=sys.stderr)
    chosen = [c for c in PROVIDERS if c in FAKES]
    if only:
        wanted = only.split(",")
        unknown = sorted(set(wanted) - set(chosen))
        if unknown:
            raise SystemExit(f"--providers: no connector with a fake: {unknown}")
        chosen = [c for c in chosen if c in wanted]
    return chosen


def _connect(ctx: Context, seed: int, providers: list[str]) -> list[FakeChannel]:
    """Seven connections, dealt round-robin over the providers."""
    fakes: list[FakeChannel] = []
    for i in range(7):
        fake = FAKES[providers[i % len(providers)]](seed + i)
        fake.start()
        fake.faults.error_rate = 0.10
        settings = {"market": "US", "timeout_s": 2.0, **fake.SETTINGS}
        service.connect(
            ctx,
            service.ConnectRequest(
                f"{fake.CHANNEL}-{i}",
                fake.CHANNEL,
                fake.url,
                dict(fake.CREDENTIALS),
                settings,
            ),
        )
        fakes.append(fake)
    return fakes


def _worker(url: str, logs: str | None = None) -> subprocess.Popen[bytes]:
    """Start a ``worldpool sync run`` process (its event log into folder ``logs``)."""
    env = dict(os.environ, WORLDPOOL_SECRET_KEY=SECRET, WORLDPOOL_DATABASE_URL=url)
    err: Any = subprocess.DEVNULL
    if logs:
        folder = Path(logs)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"worker-{time.time():.0f}-{uuid.uuid4().hex[:4]}.log"
        err = (folder / name).open("wb")  # the worker process writes it
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "worldpool",
            "sync",
            "run",
            "--slots",
            "4",
            "--seconds",
            "600",
            "--log-level",
            "info" if logs else "off",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=err,
    )


def _shop(
    fake: FakeChannel,
    skus: list[str],
    hot: int,
    rate: float,
    stop: threading.Event,
    seed: int,
    counts: dict[str, int],
) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        sku = skus[rng.randrange(hot)] if rng.random() < 0.3 else rng.choice(skus)
        if fake.sell(sku, 1) is None:
            counts["refused"] += 1
        time.sleep(rng.expovariate(rate))


def _restock(ledger: Ledger, skus: list[str], stop: threading.Event) -> None:
    n = 0
    while not stop.wait(15):
        n += 1
        for sku in skus:
            ledger.post(
                Movement(
                    MovementKind.RECEIVE,
                    sku,
                    "US-FC1",
                    20,
                    "ASN",
                    f"A{n}",
                    f"r{n}:{sku}",
                )
            )


def _faults(fakes: list[FakeChannel], stop: threading.Event) -> None:
    while not stop.wait(10):
        for f in fakes:
            f.faults.throttle_next = 15


def _pool_orders(ctx: Context) -> tuple[int, int, int]:
    with ctx.engine.connect() as conn:
        n, back = conn.execute(
            text("select count(*), coalesce(sum(backordered),0) from orders")
        ).one()
        pending = conn.execute(
            text("select count(*) from outbox where status='pending'")
        ).scalar()
    return int(n), int(back), int(pending or 0)


def _oversold_by_provider(ctx: Context) -> dict[str, int]:
    """Backordered units per channel id (which providers oversell)."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            text("select channel, coalesce(sum(backordered),0) from orders group by 1")
        ).all()
    return {str(c): int(b) for c, b in rows}


def _lags(
    ctx: Context,
) -> tuple[dict[str, list[tuple[datetime, float]]], list[float], list[float]]:
    """Per stock change and channel: (seen per connection, per row, enqueued) lags.

    Seen lags come as (change time, lag) per connection.

    Seen: change -> the channel acknowledged a level at least that new (the
    first delivered level of the SKU changed at or after it; levels are
    recomputed from ATP when sent, so that level holds the change). A level
    the channel refused as stale went out again as a new row with the same
    change time: only its last delivery counts. "Per row" is the definition
    before 2026-12-06 (each level at its own row's delivery, stale ones too).
    """
    per_row, feed = [], []
    acks: dict[tuple[str, str], dict[datetime, datetime]] = {}
    with ctx.engine.connect() as conn:
        for dest, payload, made, done in conn.execute(
            text(
                "select destination, payload, created_at, delivered_at from outbox "
                "where status='delivered' and topic='stock.level'"
            )
        ):
            for level in json.loads(payload)["levels"]:
                at = datetime.fromisoformat(level[3])
                per_row.append((done - at).total_seconds())
                feed.append((made - at).total_seconds())
                seen = acks.setdefault((str(dest), str(level[0])), {})
                seen[at] = max(seen.get(at, done), done)
    out: dict[str, list[tuple[datetime, float]]] = {}
    for (dest, _sku), changes in acks.items():
        first_ack = None
        for at in sorted(changes, reverse=True):  # newest change first
            ack = changes[at]
            first_ack = ack if first_ack is None else min(first_ack, ack)
            out.setdefault(dest, []).append((at, (first_ack - at).total_seconds()))
    return out, sorted(per_row), sorted(feed)


def _q(values: list[float], p: float) -> float:
    """The ``p`` quantile of sorted ``values`` (0.0 when there are none)."""
    if not values:
        return 0.0
    return round(values[min(len(values) - 1, int(p * len(values)))], 3)


def _lag_keys(
    seen: dict[str, list[tuple[datetime, float]]], sell_start: float, kill_at: float
) -> dict[str, Any]:
    """The lag figures: driven period, with setup, and where the slow ones are."""
    driven: dict[str, list[tuple[float, float]]] = {}
    for dest, values in seen.items():
        for at, lag in values:
            since = at.timestamp() - sell_start
            if since >= 0:
                driven.setdefault(dest, []).append((since, lag))

    def by_provider(data: dict[str, list[float]]) -> dict[str, float]:
        groups: dict[str, list[float]] = {}
        for dest, values in data.items():
            groups.setdefault(dest.rsplit("-", 1)[0], []).extend(values)
        return {c: _q(sorted(v), 0.99) for c, v in sorted(groups.items())}

    every = {d: [lag for _at, lag in v] for d, v in seen.items()}
    after = {d: [lag for _since, lag in v] for d, v in driven.items()}
    all_lags = sorted(x for v in every.values() for x in v)
    lags = sorted(x for v in after.values() for x in v)
    buckets: dict[int, list[float]] = {}
    for rows in driven.values():
        for since, lag in rows:
            buckets.setdefault(int(since // 5) * 5, []).append(lag)
    return {
        "sync_lag_p50_s": _q(lags, 0.5),
        "sync_lag_p99_s": _q(lags, 0.99),
        "sync_lag_p99_by_provider": by_provider(after),
        "sync_lag_p50_incl_setup_s": _q(all_lags, 0.5),
        "sync_lag_p99_incl_setup_s": _q(all_lags, 0.99),
        "sync_lag_p99_by_provider_incl_setup": by_provider(every),
        "kill_at_s": round(kill_at - sell_start, 1),
        "slow_lags_by_bucket": {
            str(b): [len(v), sum(x > 5 for x in v), round(max(v), 1)]
            for b, v in sorted(buckets.items())
        },
        "slow_lags_by_connection": {
            d: sum(x > 5 for x in v) for d, v in sorted(after.items())
        },
    }


def _watch_takeover(ctx: Context, pid: int, killed: float, out: dict[str, Any]) -> None:
    """Seconds from the kill until each connection the dead worker held has a holder.

    Also notes the outbox rows the dead worker had claimed (pending, hidden
    for more than 5 s: a 30 s claim lease, not a retry backoff); when they
    were delivered is read at the end (:func:`_dead_claims`).
    """
    mark = f":{pid}:"  # worker names are host:pid:random
    query = text("select name, lease_owner from channel_connections")
    with ctx.engine.connect() as conn:
        orphans = {str(n) for n, o in conn.execute(query) if o and mark in str(o)}
        out["dead_claims"] = list(
            conn.execute(
                text(
                    "select id from outbox where status = 'pending' and attempts > 0 "
                    "and next_attempt_at > now() + interval '5 seconds' "
                    "and destination = any(:orphans)"
                ),
                {"orphans": sorted(orphans)},
            ).scalars()
        )
    taken: dict[str, float] = {}
    while orphans - set(taken) and time.time() - killed < 60:
        with ctx.engine.connect() as conn:
            for name, owner in conn.execute(query):
                live = owner is not None and mark not in str(owner)
                if name in orphans and name not in taken and live:
                    taken[str(name)] = round(time.time() - killed, 2)
        time.sleep(0.05)
    out["takeover_s"] = {n: taken.get(n, -1.0) for n in sorted(orphans)}


def _dead_claims(ctx: Context, ids: list[int], killed: float) -> list[float]:
    """Seconds from the kill until each row the dead worker had claimed was settled."""
    if not ids:
        return []
    with ctx.engine.connect() as conn:
        done = conn.execute(
            text("select delivered_at from outbox where id = any(:ids)"), {"ids": ids}
        ).scalars()
        return sorted(round(d.timestamp() - killed, 2) if d else -1.0 for d in done)


def _drive(
    args: argparse.Namespace,
    url: str,
    ledger: Ledger,
    fakes: list[FakeChannel],
    skus: list[str],
    takeover: dict[str, Any],
) -> tuple[list[subprocess.Popen[bytes]], dict[str, int], float, float, float]:
    """Sell for ``args.seconds`` with faults; SIGKILL one worker halfway.

    Returns the workers, the counts, the monotonic start and the wall-clock
    times (``time.time()``) selling started and the worker was killed;
    ``takeover`` gets what :func:`_watch_takeover` saw.
    """
    ctx = _ctx_of(ledger, url)
    workers = [_worker(url, args.worker_logs), _worker(url, args.worker_logs)]
    while sum(len(f.stock) for f in fakes) < 7 * len(skus):
        time.sleep(0.2)
    stop, counts = threading.Event(), {"refused": 0}
    threads = [
        threading.Thread(
            target=_shop, args=(f, skus, 10, args.rate, stop, args.seed + i, counts)
        )
        for i, f in enumerate(fakes)
    ]
    threads += [
        threading.Thread(target=_restock, args=(ledger, skus[:10], stop)),
        threading.Thread(target=_faults, args=(fakes, stop)),
    ]
    start, sell_start = time.monotonic(), time.time()
    print(f"selling from {sell_start}", file=sys.stderr)
    for th in threads:
        th.start()
    time.sleep(args.seconds / 2)
    kill_at = time.time()
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait()
    watch = threading.Thread(
        target=_watch_takeover, args=(ctx, workers[0].pid, kill_at, takeover)
    )
    watch.start()
    time.sleep(1.0)
    workers.append(_worker(url, args.worker_logs))
    time.sleep(args.seconds / 2 - 1.0)
    stop.set()
    for th in threads:
        th.join()
    watch.join()
    return workers, counts, start, sell_start, kill_at


def _drain(ctx: Context, fakes: list[FakeChannel], workers: list[Any]) -> float:
    """Let the workers catch up (faults off); return when the last order was in."""
    for f in fakes:
        f.faults.error_rate = 0.0
    sold = sum(len(f.orders) for f in fakes)
    deadline = time.monotonic() + 180
    calm = 0  # a delivery in flight may still enqueue a follow-up: see 0 twice
    all_in = None
    while time.monotonic() < deadline:
        n, _back, pending = _pool_orders(ctx)
        if n >= sold and all_in is None:
            all_in = time.monotonic()
        calm = calm + 1 if n >= sold and pending == 0 else 0
        if calm >= 2:
            break
        time.sleep(1.0 if calm else 0.25)
    return all_in if all_in is not None else time.monotonic()


def _compare(ctx: Context, fakes: list[FakeChannel]) -> tuple[int, int]:
    """Return (lost, duplicated) orders.

    Lost: sold on a channel, missing from the pool. Duplicated: in the pool but
    sold by no channel, or holding more units than were ordered.
    """
    sold = {(f.CHANNEL, oid) for f in fakes for oid in f.orders}
    held: dict[str, int] = {}
    with ctx.engine.connect() as conn:
        for ref, kind, qty in conn.execute(
            text(
                "select reference, kind, sum(qty) from movements "
                "where kind in ('reserve','release') group by reference, kind"
            )
        ):
            held[ref] = held.get(ref, 0) + (
                int(qty) if kind == "reserve" else -int(qty)
            )
        rows = conn.execute(
            text("select channel, channel_order_id, payload, backordered from orders")
        ).all()
    pool = {(r[0], r[1]) for r in rows}
    dup = len(pool - sold)
    for channel, oid, payload, back in rows:
        units = sum(ln["qty"] for ln in json.loads(payload)["lines"])
        dup += held.get(f"{channel}:{oid}", 0) + int(back) > units
    return len(sold - pool), dup


def main() -> None:
    """Run the benchmark and print the JSON result as the last line."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", default=DEFAULT_DB)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--rate", type=float, default=50.0, help="orders/s per channel")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument(
        "--providers", default=None, help="comma-separated subset (default: all)"
    )
    ap.add_argument(
        "--keep",
        action="store_true",
        help="keep the benchmark's schema (named on stderr) to study its outbox",
    )
    ap.add_argument(
        "--worker-logs",
        default=None,
        help="folder for each worker's event log (leases, takeovers, errors)",
    )
    args = ap.parse_args()
    url, schema = _schema(args.db)
    skus = [f"SKU-{i:04d}" for i in range(1000)]
    ledger, ctx = _setup(url, 1000, hot=10, hot_units=30)
    providers = _providers(args.providers)
    fakes = _connect(ctx, args.seed, providers)
    feed.publish_stock(ctx, load_buffer_rules(), skus=skus)
    takeover: dict[str, Any] = {}
    workers, counts, start, sell_start, kill_at = _drive(
        args, url, ledger, fakes, skus, takeover
    )
    all_in = _drain(ctx, fakes, workers) - start
    elapsed = time.monotonic() - start
    for w in workers:
        if w.poll() is None:
            w.terminate()
            w.wait()
    n, back, pending = _pool_orders(ctx)
    lost, dup = _compare(ctx, fakes)
    by_provider = _oversold_by_provider(ctx)
    seen, per_row, feed_lags = _lags(ctx)
    lag_keys = _lag_keys(seen, sell_start, kill_at)
    dead_claims = _dead_claims(ctx, takeover.get("dead_claims", []), kill_at)
    drift = len(ledger.check().drifts)
    sold_units = sum(sum(f.sold.values()) for f in fakes)
    for f in fakes:
        f.close()
    ledger.close()
    if args.keep:
        print(f"kept schema {schema}", file=sys.stderr)
    else:
        with create_engine(normalise_url(args.db)).begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    print(
        json.dumps(
            {
                "channels": 7,
                "providers": sorted({f.CHANNEL for f in fakes}),
                "skus": 1000,
                "seconds": args.seconds,
                "orders_sold": sum(len(f.orders) for f in fakes),
                "units_sold": sold_units,
                "orders_refused_out_of_stock": counts["refused"],
                # Orders / time until the last sold order was in the pool.
                "orders_ingested_per_s": round(n / all_in, 1),
                # The definition before: orders / time until the outbox was
                # empty too (it counts the stock drain as intake time).
                "orders_per_s_to_outbox_empty": round(n / elapsed, 1),
                "lost_orders": lost,
                "duplicate_orders": dup,
                "oversold_units": back,
                "oversell_rate": round(back / sold_units, 5) if sold_units else 0.0,
                "oversold_by_provider": by_provider,
                **{k: v for k, v in lag_keys.items() if k.startswith("sync_")},
                # Before 2026-12-06: each level at its own outbox row's delivery.
                "sync_lag_per_row_p50_s": _q(per_row, 0.5),
                "sync_lag_per_row_p99_s": _q(per_row, 0.99),
                "feed_lag_p50_s": _q(feed_lags, 0.5),
                "stock_pushes_delivered": len(per_row),
                "outbox_pending_at_end": pending,
                "drift": drift,
                "workers_killed": 1,
                **{k: v for k, v in lag_keys.items() if not k.startswith("sync_")},
                # Kill -> a live worker holds each connection the dead one held.
                "takeover_s": takeover.get("takeover_s", {}),
                # Kill -> each row the dead worker had claimed was delivered.
                "dead_claims_delivered_s": dead_claims,
            }
        )
    )


if __name__ == "__main__":
    main()
