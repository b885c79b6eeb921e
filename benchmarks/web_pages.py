"""Cockpit pages: server time per main page on a large pool.

Usage::

    python benchmarks/web_pages.py                                   # SQLite
    python benchmarks/web_pages.py --db postgresql+psycopg://postgres@127.0.0.1/wp_cockpit

Set-up: ``--skus`` SKUs (default 10,000) listed in ``--markets`` marketplaces
(default 20), each stocked at the origin hub and at the FC of every listed
market (one receipt movement per balance, so the journal adds up), and
``--orders`` orders (default 100,000) spread over 90 days, 1-2 lines each,
with routing decisions (local FC / origin / backorder). The data are written
with bulk inserts (a generator, not the product's write path: the ledger's own
throughput is ``ledger_throughput.py``'s business). Then the app is served by
uvicorn on a loopback port and an owner's session fetches each main page
``--repeat`` times after one warm-up. ``overview`` shows the pool's totals
as read in the last 30 s (re-read in the background); ``overview_fresh_ms``
(not a main page: the "refresh now" link) re-reads them on every request, one
pass over all balances. Times are end to end per request over
loopback (server time plus well under a millisecond of client overhead).

Figures: ``page_p50_ms`` and ``page_p95_ms`` over every timed request of every
main page, ``slowest_page`` (highest median), and each page's median. Target:
``page_p95_ms`` < 300 on SQLite and PostgreSQL. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from sqlalchemy import Engine, insert, text

from worldpool.catalog import load_catalog
from worldpool.catalog.fx import load_fx
from worldpool.config import Settings
from worldpool.context import Context
from worldpool.interfaces.api import create_app
from worldpool.ledger import Ledger
from worldpool.ledger.db import normalise_url
from worldpool.ledger.order_tables import orders
from worldpool.ledger.tables import balances, movements, sku_markets, skus
from worldpool.users import NewUser, add_user

PAGES = {
    "overview": "/ui/",
    "inventory": "/ui/inventory",
    "inventory_sorted": "/ui/inventory?sort=available&desc=1&page=40",
    "inventory_search": "/ui/inventory?search=SKU-0042&market=DE",
    "orders": "/ui/orders",
    "orders_filtered": "/ui/orders?status=open&channel=amazon&sort=value&desc=1",
    "order": "/ui/orders/amazon/ORD-0000007",
    "journal": "/ui/journal?sku=SKU-00042",
    "plans": "/ui/plans",
    "forecasts": "/ui/forecasts",
    "customs": "/ui/customs",
    "twin": "/ui/twin",
}
"""Main pages timed (name -> path)."""
CHANNELS = ("amazon", "shopify", "ebay", "tiktok_shop", "walmart", "temu", "shein")
PASSWORD = "bench-password-1"


def _chunks(
    rows: list[dict[str, Any]], size: int = 5000
) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _bulk(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for chunk in _chunks(rows):
            conn.execute(insert(table), chunk)


def build(
    ledger: Ledger, n_skus: int, n_markets: int, n_orders: int, seed: int
) -> None:
    """Fill an empty ledger with SKUs, balances (+ receipts) and orders."""
    rnd = random.Random(seed)
    cat = ledger.catalog
    markets = [m for m in sorted(cat.marketplaces) if cat.fcs_for(m)][:n_markets]
    now = datetime.now(UTC)
    sku_ids = [f"SKU-{i:05d}" for i in range(n_skus)]
    _bulk(
        ledger.engine,
        skus,
        [
            {
                "sku": s,
                "title": f"Product {s} {rnd.choice(['mug', 'lamp', 'cup', 'bag'])}",
                "gtin": None,
                "unit_weight_kg": 0.5,
                "unit_volume_m3": 0.002,
                "unit_cost": round(rnd.uniform(1, 40), 2),
                "currency": "USD",
                "hs_code": None,
                "battery": "none",
                "category": None,
                "created_at": now,
            }
            for s in sku_ids
        ],
    )
    _bulk(
        ledger.engine,
        sku_markets,
        [
            {"sku": s, "market": m, "listed": True, "ffo_allowed": True}
            for s in sku_ids
            for m in markets
        ],
    )
    nodes = ["CN-SZX", *sorted({n.id for m in markets for n in cat.fcs_for(m)})]
    bal, moves = [], []
    for s in sku_ids:
        for node in nodes:
            qty = rnd.randint(0, 400) if node == "CN-SZX" else rnd.randint(0, 30)
            bal.append(
                {"sku": s, "node": node, "on_hand": qty, "reserved": 0, "in_transit": 0}
            )
            key = f"bench:{s}:{node}"
            moves.append(
                {
                    "idempotency_key": key,
                    "payload_hash": "0" * 64,
                    "kind": "receive",
                    "sku": s,
                    "node": node,
                    "from_node": None,
                    "lane": None,
                    "qty": qty,
                    "damaged": 0,
                    "short": 0,
                    "reason": "bench receipt",
                    "reference": key,
                    "at": now,
                    "posted_at": now,
                }
            )
    _bulk(ledger.engine, balances, bal)
    _bulk(ledger.engine, movements, moves)
    _bulk(
        ledger.engine,
        orders,
        [_order(rnd, i, sku_ids, markets, now) for i in range(n_orders)],
    )


def _order(
    rnd: random.Random, i: int, sku_ids: list[str], markets: list[str], now: datetime
) -> dict[str, Any]:
    market = rnd.choice(markets)
    lines = [rnd.choice(sku_ids) for _ in range(rnd.randint(1, 2))]
    source = rnd.choices(["local_fc", "origin", "backorder"], [6, 3, 1])[0]
    decision = {
        "order": f"x:{i}",
        "market": market,
        "cost_usd": "4.20",
        "p50_days": 2.0,
        "p90_days": 4.0,
        "backordered": int(source == "backorder"),
        "why": f"{market}-FC1 has stock.",
        "assignments": [
            {
                "line_id": str(n),
                "sku": s,
                "qty": 1,
                "source": source,
                "node": None if source == "backorder" else f"{market}-FC1",
                "lane": None,
                "p50_days": 2.0,
                "p90_days": 4.0,
            }
            for n, s in enumerate(lines, 1)
        ],
    }
    payload = {
        "channel": CHANNELS[i % 7],
        "channel_order_id": f"ORD-{i:07d}",
        "market": market,
        "lines": [{"sku": s, "qty": 1} for s in lines],
    }
    created = now - timedelta(minutes=rnd.randint(0, 90 * 24 * 60))
    return {
        "channel": CHANNELS[i % 7],
        "channel_order_id": f"ORD-{i:07d}",
        "market": market,
        "status": rnd.choice(["open", "open", "shipped"]),
        "revision": 1,
        "payload_hash": "0" * 64,
        "currency": "USD",
        "order_value": round(rnd.uniform(5, 200), 2),
        "backordered": int(source == "backorder"),
        "payload": json.dumps(payload),
        "decision": json.dumps(decision),
        "created_at": created,
        "updated_at": created,
    }


def _serve(ctx: Context) -> tuple[uvicorn.Server, threading.Thread, str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(
        create_app(ctx),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def _login(client: httpx.Client) -> None:
    page = client.get("/ui/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None
    data = {"username": "bench", "password": PASSWORD, "csrf": token.group(1)}
    assert client.post("/ui/login", data=data).status_code == 303


def measure(url: str, repeat: int) -> dict[str, list[float]]:
    """Return the request times (ms) of each page."""
    times: dict[str, list[float]] = {}
    with httpx.Client(base_url=url, timeout=120) as client:
        _login(client)
        for name, path in PAGES.items():
            warm = client.get(path)
            assert warm.status_code == 200, (name, warm.status_code, warm.text[:300])
            times[name] = []
            for _ in range(repeat):
                start = time.perf_counter()
                client.get(path).raise_for_status()
                times[name].append((time.perf_counter() - start) * 1000)
        times["overview_fresh"] = []
        for _ in range(repeat):
            start = time.perf_counter()
            client.get("/ui/?fresh=1").raise_for_status()
            times["overview_fresh"].append((time.perf_counter() - start) * 1000)
    return times


def _reset_pg(url: str) -> None:
    engine = Ledger.open(url).engine
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    """Build the pool, serve it, time the pages, print the JSON figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", default=None, help="database URL (default: temp SQLite)")
    ap.add_argument("--skus", type=int, default=10_000)
    ap.add_argument("--markets", type=int, default=20)
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    folder = tempfile.TemporaryDirectory(prefix="wp-web-bench-")
    url = args.db or f"sqlite:///{Path(folder.name) / 'bench.db'}"
    if normalise_url(url).get_backend_name() == "postgresql":
        _reset_pg(url)  # the benchmark owns its database (see BENCHMARKS.md)
    ledger = Ledger.open(url, load_catalog())
    ledger.init()
    started = time.perf_counter()
    build(ledger, args.skus, args.markets, args.orders, args.seed)
    print(f"built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    system = Context(
        engine=ledger.engine,
        catalog=ledger.catalog,
        fx=load_fx(),
        settings=Settings().with_(database_url=url),
        seller="default",
        role="system",
    )
    add_user(system, NewUser("bench", PASSWORD, "owner"))
    # The server's own context, as `worldpool serve` builds it (an owner).
    server, thread, base = _serve(replace(system, role="owner"))
    try:
        times = measure(base, args.repeat)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        ledger.close()
    fresh = times.pop("overview_fresh")
    every = sorted(t for ts in times.values() for t in ts)
    medians = {name: round(statistics.median(ts), 1) for name, ts in times.items()}
    for name, ms in medians.items():
        print(f"{name:18s} {ms:8.1f} ms (median of {args.repeat})")
    result = {
        "database": normalise_url(url).get_backend_name(),
        "skus": args.skus,
        "markets": args.markets,
        "orders": args.orders,
        "page_p50_ms": round(statistics.median(every), 1),
        "page_p95_ms": round(every[int(0.95 * (len(every) - 1))], 1),
        "slowest_page": max(medians, key=lambda n: medians[n]),
        "overview_fresh_ms": round(statistics.median(fresh), 1),
        "page_median_ms": medians,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
