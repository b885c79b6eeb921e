"""A real API server on loopback (uvicorn in a thread) over SQLite and PostgreSQL."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import uvicorn

from tests.conftest import context_for
from tests.orders.conftest import stock_pool
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.interfaces.api import create_app
from worldpool.ledger import Ledger
from worldpool.ledger.api_keys import create_api_key

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""Run a test on SQLite only (the ledger fixture is otherwise also PostgreSQL)."""
SHIPPED = (("MUG-1", "DE"), ("LAMP-2", "US"))
"""(SKU, market) pairs :func:`ship_history` ships to."""


@dataclass
class Server:
    """A running server and one key per scope."""

    url: str
    keys: dict[str, str]
    ledger: Ledger

    def client(self, scope: str | None = "write") -> httpx.Client:
        """Return a client sending the key of ``scope`` (None: no key)."""
        headers = {"X-API-Key": self.keys[scope]} if scope else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(ledger: Ledger) -> Iterator[Server]:
    """The API over a stocked pool, served by uvicorn on a free loopback port."""
    stock_pool(ledger)
    keys = {
        s: create_api_key(ledger.engine, f"test-{s}", s)
        for s in ("read", "write", "admin")
    }
    port = free_port()
    config = uvicorn.Config(
        create_app(context_for(ledger)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    try:
        yield Server(f"http://127.0.0.1:{port}", keys, ledger)
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def ship_history(ledger: Ledger, days: int = 90, seed: int = 7) -> int:
    """Ship 0-3 units a day of each :data:`SHIPPED` pair from the hub, to yesterday.

    The orders are fulfilled from origin (CN-SZX); their references carry the
    market (``ORD-<day>-<market>-<sku>``) as the demand service reads it.
    Returns the units shipped.
    """
    rnd = random.Random(seed)
    end = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    moves, total = [], 0
    for sku, _ in SHIPPED:
        moves.append(
            Movement(MovementKind.RECEIVE, sku, "CN-SZX", 1000, "ASN", "H", f"h:{sku}")
        )
    for d in range(days, 0, -1):
        at = end - timedelta(days=d)
        for sku, market in SHIPPED:
            qty = rnd.randint(0, 3)
            if qty == 0:
                continue
            ref = f"ORD-{d}-{market}-{sku}"
            for kind in (MovementKind.RESERVE, MovementKind.SHIP):
                moves.append(
                    Movement(kind, sku, "CN-SZX", qty, "order", ref, f"{kind}:{ref}",
                             at=at)
                )  # fmt: skip
            total += qty
    batch = ledger.post_many(moves)
    assert not batch.rejected, batch.rejected[:1]
    return total
