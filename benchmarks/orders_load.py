"""Orders load: routed orders/s over HTTP, latency, and oversold units.

Usage::

    python benchmarks/orders_load.py                                   # SQLite
    python benchmarks/orders_load.py --db postgresql+psycopg://postgres@127.0.0.1/test

Set-up: ``--skus`` SKUs stocked at the hub (with FFO to US/UK/DE) and at the
US, UK and DE FCs, plus ``--hot`` hot SKUs whose stock (at US-FC1 and the hub)
is a third of what the orders ask for, so they really run out. The API server
runs as ``--workers`` uvicorn processes, each on its own free loopback port,
and the ``--clients`` concurrent asyncio clients are spread evenly over them
(client ``i`` talks to process ``i mod workers``), as a load balancer would.
With one listening socket shared by the processes (``uvicorn --workers``) the
first process to wake accepted the whole burst of keep-alive connections in
about half the runs, and one process (one core, one GIL) served all 16 clients
while the other idled. The clients then POST ``--orders`` orders in the
channels' own payload shapes (all seven channels, 1-2 lines each, a fifth of
them asking for a hot SKU) to ``/orders/import/{channel}``.

Figures: ``orders_per_s`` (orders routed and answered, end to end, from the
first request to the last reply), ``p50_ms``/``p99_ms`` (per request),
``oversold`` (units reserved beyond what a node holds, from the balances, plus
the hot SKUs' reserved units beyond their stock), ``drift`` (rows where the
ledger check disagrees with the journal). Target (PostgreSQL, 2 cores):
>= 500 orders/s, p99 < 100 ms, oversold 0. The last line is one JSON object.

On PostgreSQL the benchmark works in its own schema (``--schema``), dropped
and recreated at the start and dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.ledger import Ledger
from worldpool.ledger.api_keys import create_api_key
from worldpool.ledger.db import make_engine, normalise_url
from worldpool.ledger.tables import balances
from worldpool.orders.samples import SampleLine, sample_payload
from worldpool.testing import make_sku

MARKETS = {
    "amazon": ("US", "UK", "DE"),
    "shopify": ("US", "UK", "DE"),
    "ebay": ("US", "UK", "DE"),
    "tiktok_shop": ("US", "UK"),
    "walmart": ("US",),
    "temu": ("US", "DE"),
    "shein": ("US", "DE"),
}


def app_factory() -> Any:
    """Build the app for uvicorn's ``--factory`` (database URL from the env)."""
    from worldpool.context import open_context
    from worldpool.interfaces.api import create_app

    return create_app(open_context())


def bench_url(raw: str | None, schema: str, tmp: Path) -> str:
    """Return the URL to use: a fresh SQLite file, or PostgreSQL in ``schema``."""
    if raw is None:
        return f"sqlite:///{tmp / 'orders.db'}"
    url = normalise_url(raw)
    if url.get_backend_name() == "postgresql":
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        engine.dispose()
        url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def setup(ledger: Ledger, skus: int, hot: int, hot_stock: int) -> None:
    """Register and stock the SKUs (normal ones plentifully, hot ones short)."""
    ffo = ("US", "UK", "DE")
    names = [f"SKU-{i:04d}" for i in range(skus)] + [f"HOT-{i}" for i in range(hot)]
    ledger.register_skus(make_sku(n, ffo_markets=ffo) for n in names)
    moves = []
    for n in names:
        plenty = not n.startswith("HOT")
        stock = (
            {"CN-SZX": 10**6, "US-FC1": 10**5, "UK-FC1": 10**5, "DE-FC1": 10**5}
            if plenty
            else {"US-FC1": hot_stock // 2, "CN-SZX": hot_stock - hot_stock // 2}
        )
        for node, qty in stock.items():
            key = f"setup:{n}:{node}"
            moves.append(
                Movement(MovementKind.RECEIVE, n, node, qty, "setup", key, key)
            )
    ledger.post_many(moves)


def payloads(n: int, skus: int, hot: int, seed: int) -> list[tuple[str, bytes]]:
    """Return ``n`` (channel, body) pairs, a fifth of them with a hot SKU."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        channel = rng.choice(sorted(MARKETS))
        market = rng.choice(MARKETS[channel])
        picks = [f"SKU-{rng.randrange(skus):04d}"]
        if hot and rng.random() < 0.2:
            picks = [f"HOT-{rng.randrange(hot)}"]
        elif rng.random() < 0.3:
            picks.append(f"SKU-{rng.randrange(skus):04d}")
        lines = [
            SampleLine(s, rng.choice((1, 1, 2)), Decimal("12.50"))
            for s in dict.fromkeys(picks)
        ]
        doc = sample_payload(channel, f"L{seed}-{i:06d}", market, lines)
        body = doc if isinstance(doc, str) else json.dumps(doc)
        out.append((channel, body.encode()))
    return out


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_servers(
    url: str, workers: int
) -> tuple[list[subprocess.Popen[bytes]], list[int]]:
    """Start ``workers`` uvicorn processes, one port each; wait until they serve."""
    env = {**os.environ, "WORLDPOOL_DATABASE_URL": url}
    ports: list[int] = []
    while len(ports) < workers:
        port = free_port()
        if port not in ports:
            ports.append(port)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "orders_load:app_factory",
                "--factory",
                "--app-dir",
                str(Path(__file__).parent),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            env=env,
        )
        for port in ports
    ]
    deadline = time.monotonic() + 60
    waiting = list(ports)
    while waiting and time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{waiting[0]}/health").status_code == 200:
                waiting.pop(0)
        except httpx.TransportError:
            time.sleep(0.1)
    if waiting:
        stop(procs)
        raise RuntimeError("server did not start")
    return procs, ports


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """Terminate the server processes and wait for them."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=30)


class Conn:
    """A minimal keep-alive HTTP/1.1 client on asyncio streams.

    httpx's async client costs ~3 ms of CPU per request here, more than the
    server's work; on a 2-core machine the load generator would measure itself.
    """

    def __init__(self, port: int, key: str) -> None:
        self.port = port
        self.key = key

    async def open(self) -> None:
        """Connect to the server."""
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def _read_reply(self) -> tuple[int, bytes]:
        """Read one HTTP/1.1 reply (status line, headers, Content-Length body)."""
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        """POST ``body`` to ``path``; return (status, response body)."""
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {self.key}\r\n"
            f"Content-Type: application/octet-stream\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        return await self._read_reply()

    def close(self) -> None:
        """Close the connection."""
        self.writer.close()


async def load(
    ports: list[int], key: str, work: list[tuple[str, bytes]], clients: int
) -> tuple[list[float], list[dict[str, Any]], int, float]:
    """Send ``work`` from ``clients`` concurrent clients; return latencies, replies."""
    todo = iter(work)
    latencies: list[float] = []
    replies: list[dict[str, Any]] = []
    errors = 0

    async def client(conn: Conn) -> None:
        nonlocal errors
        for channel, body in todo:
            t0 = time.perf_counter()
            status, data = await conn.post(f"/orders/import/{channel}", body)
            latencies.append((time.perf_counter() - t0) * 1000)
            if status == 200:
                replies.append(json.loads(data))
            else:
                errors += 1

    conns = [Conn(ports[i % len(ports)], key) for i in range(clients)]
    for conn in conns:
        await conn.open()
    start = time.perf_counter()
    await asyncio.gather(*(client(c) for c in conns))
    elapsed = time.perf_counter() - start
    for conn in conns:
        conn.close()
    return latencies, replies, errors, elapsed


def _cpu_s(procs: list[subprocess.Popen[bytes]]) -> float:
    """CPU seconds (user + system) the server processes used so far (Linux /proc).

    Per order, this is the server's own cost, far less sensitive than
    throughput to other work on the machine.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for proc in procs:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _db_cpu_s(ledger: Ledger) -> dict[int, float] | None:
    """CPU seconds of each PostgreSQL backend serving this database, by pid.

    Only when the server runs on this machine (its backends are in /proc);
    None for SQLite or a remote server.
    """
    if ledger.engine.dialect.name != "postgresql":
        return None
    with ledger.engine.connect() as conn:
        pids = conn.exec_driver_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        ).scalars()
        out: dict[int, float] = {}
        ticks = os.sysconf("SC_CLK_TCK")
        for pid in pids:
            stat = Path(f"/proc/{pid}/stat")
            if not stat.exists():
                return None
            fields = stat.read_text().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return out


def _per_order_ms(
    before: dict[int, float] | None, after: dict[int, float] | None, n: int
) -> float | None:
    """Database CPU per order in ms, from two :func:`_db_cpu_s` readings."""
    if before is None or after is None:
        return None
    used = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
    return round(1000 * used / max(n, 1), 3)


def pct(values: list[float], q: float) -> float:
    """Return the ``q`` quantile (0..1) of ``values`` (nearest rank)."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * len(s)) - 1))] if s else 0.0


def oversold(ledger: Ledger, hot: int, hot_stock: int) -> int:
    """Units reserved beyond stock: bad balance rows plus hot SKUs beyond supply."""
    with ledger.engine.connect() as conn:
        bad = conn.execute(
            select(
                func.coalesce(func.sum(balances.c.reserved - balances.c.on_hand), 0)
            ).where(balances.c.reserved > balances.c.on_hand)
        ).scalar_one()
        hot_reserved = conn.execute(
            select(func.coalesce(func.sum(balances.c.reserved), 0)).where(
                balances.c.sku.like("HOT-%")
            )
        ).scalar_one()
    return int(bad) + max(0, int(hot_reserved) - hot * hot_stock)


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--orders", type=int, default=3000)
    p.add_argument("--skus", type=int, default=200)
    p.add_argument("--hot", type=int, default=5)
    p.add_argument("--workers", type=int, default=2, help="uvicorn server processes")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--schema", default="worldpool_orders_bench")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    tmp = Path(tempfile.mkdtemp(prefix="wp-orders-"))
    url = bench_url(args.db, args.schema, tmp)
    # Hot SKUs get a third of what the orders will ask of them.
    hot_demand = args.orders * 0.2 * 4 / 3 / max(args.hot, 1)
    hot_stock = max(1, int(hot_demand / 3))
    ledger = Ledger(make_engine(url), Ledger.open(url).catalog)
    ledger.init()
    setup(ledger, args.skus, args.hot, hot_stock)
    key = create_api_key(ledger.engine, "bench", "write")
    work = payloads(args.orders, args.skus, args.hot, args.seed)
    servers, ports = start_servers(url, args.workers)
    try:
        cpu0 = _cpu_s(servers)
        db0 = _db_cpu_s(ledger)
        lat, replies, errors, elapsed = asyncio.run(
            load(ports, key, work, args.clients)
        )
        server_cpu_s = _cpu_s(servers) - cpu0
        db_cpu_s = _db_cpu_s(ledger)
    finally:
        stop(servers)
    sources: dict[str, int] = {}
    for r in replies:
        for o in r["orders"]:
            for a in (o.get("decision") or {}).get("assignments", []):
                sources[a["source"]] = sources.get(a["source"], 0) + a["qty"]
    report = ledger.check()
    result = {
        "db": make_url(url).get_backend_name(),
        "clients": args.clients,
        "workers": args.workers,
        "orders": args.orders,
        "orders_per_s": round(len(replies) / elapsed, 1),
        "p50_ms": round(pct(lat, 0.50), 2),
        "p99_ms": round(pct(lat, 0.99), 2),
        "server_cpu_ms_per_order": round(1000 * server_cpu_s / max(len(replies), 1), 3),
        "db_cpu_ms_per_order": _per_order_ms(db0, db_cpu_s, len(replies)),
        "errors": errors,
        "rejected": sum(len(r["rejected"]) for r in replies),
        "units_by_source": dict(sorted(sources.items())),
        "hot_stock_per_sku": hot_stock,
        "oversold": oversold(ledger, args.hot, hot_stock),
        "drift": len(report.drifts),
        "movements": report.movements,
    }
    ledger.close()
    if args.db and make_url(url).get_backend_name() == "postgresql":
        engine = create_engine(normalise_url(args.db))
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE')
        engine.dispose()
    print(json.dumps(result))
    return 0 if result["oversold"] == 0 and result["drift"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
