"""The cockpit on a real loopback server (uvicorn in a thread), with three users."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from tests.conftest import context_for, context_of
from tests.interfaces.api.conftest import free_port, ship_history
from tests.orders.conftest import stock_pool
from worldpool.interfaces.api import create_app
from worldpool.ledger import Ledger
from worldpool.users import NewUser, add_user

PASSWORD = "cockpit-pass-1"
"""Password of every test user."""
USERS = {"olivia": "owner", "oscar": "operator", "vera": "viewer"}
"""Test users and their roles (seller ``default``)."""


@dataclass
class Cockpit:
    """A running cockpit."""

    url: str
    ledger: Ledger

    def client(self) -> httpx.Client:
        """Return a cookie-keeping client that does not follow redirects."""
        return httpx.Client(base_url=self.url, timeout=120)

    @contextmanager
    def login(self, user: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
        """Yield a client logged in as ``user`` (closed afterwards)."""
        with self.client() as client:
            response = client.post(
                "/ui/login",
                data={
                    "username": user,
                    "password": password,
                    "csrf": csrf_of(client, "/ui/login"),
                },
            )
            assert response.status_code == 303, response.text[:300]
            yield client


def csrf_of(client: httpx.Client, path: str) -> str:
    """Return the CSRF token in the page at ``path``."""
    html = client.get(path).text
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


def serve(ledger: Ledger) -> Iterator[str]:
    """Serve ``create_app(ledger)`` on a free loopback port; yield its URL."""
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
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def world(ledger: Ledger) -> None:
    """Stock the pool, ship 90 days of history, add the test users."""
    stock_pool(ledger)
    ship_history(ledger)
    system = context_of(ledger)
    for name, role in USERS.items():
        add_user(system, NewUser(name, PASSWORD, role))  # type: ignore[arg-type]


@pytest.fixture
def cockpit(ledger: Ledger) -> Iterator[Cockpit]:
    """The cockpit over a stocked pool with history and users (SQLite and PostgreSQL)."""
    world(ledger)
    for url in serve(ledger):
        yield Cockpit(url, ledger)
