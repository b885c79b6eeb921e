"""A real API server on loopback (uvicorn in a thread) over SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from tests.orders.conftest import stock_pool
from worldpool.interfaces.api import create_app
from worldpool.ledger import Ledger
from worldpool.ledger.api_keys import create_api_key

SECRET = "hush-shopify-secret"


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
        create_app(ledger, shopify_secret=SECRET),
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
