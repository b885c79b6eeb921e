from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ThreadPoolExecutor

import pytest

from worldpool.catalog import load_catalog
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import InsufficientStock
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine
from worldpool.testing import make_sku

STOCK = 50
WRITERS = 16
ATTEMPTS = 8  # per writer: 128 attempts for 50 units


def _seed(url: str) -> None:
    led = Ledger(make_engine(url), load_catalog())
    led.init()
    led.register_skus([make_sku("HOT")])
    led.post(Movement(MovementKind.RECEIVE, "HOT", "CN-SZX", STOCK, "ASN", "a", "a"))
    led.close()


def _writer(url: str, writer: int) -> int:
    """Try ATTEMPTS reservations of one unit; return how many succeeded."""
    led = Ledger(make_engine(url), load_catalog())
    won = 0
    for i in range(ATTEMPTS):
        try:
            led.reserve("HOT", "CN-SZX", 1, f"o-{writer}-{i}", f"r-{writer}-{i}")
            won += 1
        except InsufficientStock:
            pass
    led.close()
    return won


def _assert_not_oversold(url: str, won: int) -> None:
    led = Ledger(make_engine(url), load_catalog())
    (row,) = led.balances(sku="HOT")
    assert won == STOCK
    assert (row.on_hand, row.reserved) == (STOCK, STOCK)
    assert led.check().ok
    led.close()


def test_sixteen_threads_never_oversell(db_url: str) -> None:
    """16 threads racing for 50 units reserve exactly 50, never more."""
    _seed(db_url)
    with ThreadPoolExecutor(WRITERS) as pool:
        won = sum(pool.map(lambda w: _writer(db_url, w), range(WRITERS)))
    _assert_not_oversold(db_url, won)


@pytest.mark.slow
def test_sixteen_processes_never_oversell(db_url: str) -> None:
    """16 separate processes racing for 50 units reserve exactly 50."""
    _seed(db_url)
    ctx = mp.get_context("spawn")
    with ctx.Pool(WRITERS) as pool:
        won = sum(pool.starmap(_writer, [(db_url, w) for w in range(WRITERS)]))
    _assert_not_oversold(db_url, won)


@pytest.mark.postgres
def test_post_survives_dropped_connection(pg_url: str) -> None:
    """A post after the server dropped the pooled connection retries and lands once."""
    from sqlalchemy import create_engine, text

    from worldpool.ledger.db import normalise_url

    led = Ledger(make_engine(pg_url), load_catalog())
    led.init()
    led.register_skus([make_sku("A")])
    with led.engine.connect() as conn:
        pid = conn.exec_driver_sql("select pg_backend_pid()").scalar()
    admin = create_engine(normalise_url(pg_url))
    with admin.begin() as conn:
        conn.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    result = led.post(Movement(MovementKind.RECEIVE, "A", "CN-SZX", 5, "ASN", "a", "k"))
    assert not result.duplicate
    (row,) = led.balances(sku="A")
    assert row.on_hand == 5
    assert led.check().ok
    led.close()
