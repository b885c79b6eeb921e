"""The eBay, TikTok Shop and Walmart connectors under load, with faults.

Three loopback fakes (one per provider, following each provider's documented
shapes, checking tokens, signatures and headers) sell 200 SKUs for
``--seconds`` at ``--rate`` orders/s each; shoppers buy only what the channel
shows. Faults: 10 % 5xx on every fake and a 429 storm every 5 s. ``--workers``
real ``worldpool sync run`` processes (default 2) work the connections with the
connectors' default rate limits. Afterwards 30 orders per channel are shipped
and their tracking must reach the channel exactly once.

Last line: JSON with ``orders_ingested_per_s``, ``lost_orders``,
``duplicate_orders``, ``tracking_pushed``, ``tracking_doubled``,
``stock_mismatches`` (SKUs whose level on a channel differs from the pool's
published level once idle) and ``drift``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

from sqlalchemy import create_engine, text

from worldpool.catalog import load_catalog
from worldpool.catalog.fx import load_fx
from worldpool.config import Settings
from worldpool.connectors import service
from worldpool.context import Context
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine, normalise_url
from worldpool.testing import make_sku
from worldpool.testing.fake_channels import (
    FakeChannel,
    FakeEbay,
    FakeTikTokShop,
    FakeWalmart,
)

SECRET = "bench-secret"
DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _schema(url: str) -> tuple[str, str]:
    base = normalise_url(url)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with create_engine(base).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = base.update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), schema


def _setup(url: str, skus: list[str]) -> tuple[Ledger, Context]:
    ledger = Ledger(make_engine(url), load_catalog())
    ledger.init()
    ledger.register_skus([make_sku(s) for s in skus])
    for sku in skus:
        ledger.post(
            Movement(MovementKind.RECEIVE, sku, "US-FC1", 5000, "ASN", "A", f"r:{sku}")
        )
    settings = Settings(database_url=url, secret_key=SECRET)
    ctx = Context(ledger.engine, ledger.catalog, load_fx(None), settings, "default")
    return ledger, ctx


def _connect(ctx: Context) -> list[FakeChannel]:
    fakes: list[FakeChannel] = [FakeEbay(21), FakeTikTokShop(22), FakeWalmart(23)]
    for fake in fakes:
        fake.start()
        fake.faults.error_rate = 0.10
        settings: dict[str, Any] = {"market": "US", "timeout_s": 2.0}
        if isinstance(fake, FakeEbay):
            creds = {"client_id": "ebay-app", "client_secret": "ebay-cert"}
            creds["refresh_token"] = "r"
            settings["token_url"] = "/identity/v1/oauth2/token"
        elif isinstance(fake, FakeTikTokShop):
            creds = {"app_key": fake.app_key, "app_secret": fake.app_secret}
            creds["refresh_token"] = "r"
            settings.update(shop_cipher="c1", warehouse_id="w1", auth_url=fake.url)
        else:
            assert isinstance(fake, FakeWalmart)
            creds = {"client_id": fake.client[0], "client_secret": fake.client[1]}
        service.connect(
            ctx,
            service.ConnectRequest(
                fake.CHANNEL, fake.CHANNEL, fake.url, creds, settings
            ),
        )
    return fakes


def _worker(url: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, WORLDPOOL_SECRET_KEY=SECRET, WORLDPOOL_DATABASE_URL=url)
    cmd = [sys.executable, "-m", "worldpool", "sync", "run", "--slots", "3"]
    return subprocess.Popen(
        [*cmd, "--seconds", "900"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _shop(
    fake: FakeChannel, skus: list[str], rate: float, stop: threading.Event, seed: int
) -> None:
    rng = random.Random(seed)
    while not stop.is_set():
        fake.sell(rng.choice(skus), rng.randint(1, 2))
        stop.wait(rng.expovariate(rate))


def _storms(fakes: list[FakeChannel], stop: threading.Event) -> None:
    while not stop.wait(5.0):
        for f in fakes:
            f.faults.throttle_next = 20


def _count(ctx: Context) -> dict[str, int]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(text("select channel, count(*) from orders group by 1"))
        return {r[0]: int(r[1]) for r in rows}


def _wait(cond: Any, timeout_s: float) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.25)
    return False


def _published(ctx: Context) -> dict[tuple[str, str], int]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(text("select * from stock_published")).mappings().all()
    return {(str(r["destination"]), str(r["sku"])): int(r["level"]) for r in rows}


def main() -> None:
    """Run the benchmark; print the JSON result as the last line."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", default=DEFAULT_DB)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--rate", type=float, default=20.0, help="orders/s per channel")
    ap.add_argument("--workers", type=int, default=2, help="sync run processes")
    args = ap.parse_args()
    url, schema = _schema(args.db)
    skus = [f"SKU-{i:03d}" for i in range(200)]
    ledger, ctx = _setup(url, skus)
    fakes = _connect(ctx)
    workers = [_worker(url) for _ in range(args.workers)]
    _wait(lambda: all(len(f.stock) == len(skus) for f in fakes), 120)
    stop = threading.Event()
    threads = [
        threading.Thread(target=_shop, args=(f, skus, args.rate, stop, i))
        for i, f in enumerate(fakes)
    ]
    threads.append(threading.Thread(target=_storms, args=(fakes, stop)))
    start = time.monotonic()
    for th in threads:
        th.start()
    time.sleep(args.seconds)
    stop.set()
    for th in threads:
        th.join()
    for f in fakes:
        f.faults.error_rate = 0.0
    sold = {f.CHANNEL: len(f.orders) for f in fakes}
    _wait(lambda: _count(ctx) == sold, 180)
    elapsed = time.monotonic() - start
    shipped: dict[str, list[str]] = {}
    for f in fakes:
        shipped[f.CHANNEL] = sorted(f.orders)[:30]
        for oid in shipped[f.CHANNEL]:
            service.ship(ctx, service.ShipRequest(f.CHANNEL, oid, "UPS", f"1Z{oid}"))
    _wait(lambda: all(len(f.shipments) >= 30 for f in fakes), 180)
    time.sleep(3.0)  # let the last stock levels go out
    for w in workers:
        w.terminate()
        w.wait()
    pool = _count(ctx)
    levels = _published(ctx)
    mismatches = sum(
        f.stock.get(sku) != level
        for f in fakes
        for (dest, sku), level in levels.items()
        if dest == f.CHANNEL
    )
    status = {s.name: s for s in service.sync_status(ctx)}
    per_channel = {
        f.CHANNEL: {
            "sold": sold[f.CHANNEL],
            "ingested": pool.get(f.CHANNEL, 0),
            "tracking": len(f.shipments),
            "stock_mismatches": sum(
                f.stock.get(sku) != level
                for (dest, sku), level in levels.items()
                if dest == f.CHANNEL
            ),
            "queue_pending": status[f.CHANNEL].queue_pending,
            "last_error": status[f.CHANNEL].last_error,
            "requests": sum(f.requests.values()),
        }
        for f in fakes
    }
    result = {
        "providers": [f.CHANNEL for f in fakes],
        "seconds": args.seconds,
        "rate_per_channel": args.rate,
        "workers": args.workers,
        "orders_sold": sum(sold.values()),
        "orders_ingested_per_s": round(sum(pool.values()) / elapsed, 1),
        "lost_orders": sum(max(0, sold[c] - pool.get(c, 0)) for c in sold),
        "duplicate_orders": sum(max(0, pool.get(c, 0) - sold[c]) for c in sold),
        "tracking_pushed": sum(len(f.shipments) for f in fakes),
        "tracking_doubled": sum(
            len(v) > 1 for f in fakes for v in f.shipments.values()
        ),
        "stock_mismatches": mismatches,
        "drift": len(ledger.check().drifts),
        "per_channel": per_channel,
    }
    for f in fakes:
        f.close()
    ledger.close()
    with create_engine(normalise_url(args.db)).begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
