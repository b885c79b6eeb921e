"""A ``worldpool sync run`` process killed with SIGKILL mid-batch, then restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from sqlalchemy import text

from worldpool.catalog import load_catalog
from worldpool.connectors import service
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine
from worldpool.testing.fake_channels import FakeAmazon, FakeShopify

from .conftest import SECRET, connect_amazon, connect_shopify, make_ctx, stock

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _worker(url: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, WORLDPOOL_SECRET_KEY=SECRET, WORLDPOOL_DATABASE_URL=url)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "worldpool",
            "sync",
            "run",
            "--slots",
            "2",
            "--seconds",
            "120",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(cond: Callable[[], bool], timeout_s: float = 60.0) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end and not cond():
        time.sleep(0.1)


def test_sigkilled_worker_loses_and_doubles_nothing(pg_url: str) -> None:
    """After a SIGKILL mid-run and a restart: every order once, every push once."""
    ledger = Ledger(make_engine(pg_url), load_catalog())
    ledger.init()
    stock(ledger, {"MUG-1": 500})
    ctx = make_ctx(ledger)
    shop, amz = FakeShopify(seed=3).start(), FakeAmazon(seed=4).start()
    try:
        connect_shopify(ctx, shop)
        connect_amazon(ctx, amz)
        for fake in (shop, amz):
            fake.stock["MUG-1"] = 500
            fake.faults.delay_s = 0.01  # slow replies: the kill lands mid-batch
        sold = [f.sell("MUG-1", 1) for f in (shop, amz) for _ in range(60)]
        first = _worker(pg_url)

        def count() -> int:
            with ctx.engine.connect() as conn:
                return int(
                    conn.execute(text("select count(*) from orders")).scalar() or 0
                )

        _wait(lambda: count() >= 20)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert count() < 120  # it really died mid-way
        second = _worker(pg_url)
        try:
            _wait(lambda: count() == 120)
            for channel, oid in (("shopify", sold[0]), ("amazon", sold[-1])):
                assert oid is not None
                service.ship(ctx, service.ShipRequest(channel, oid, "DHL", f"JD{oid}"))
            _wait(lambda: len(shop.shipments) == 1 and len(amz.shipments) == 1)
            _wait(
                lambda: (
                    shop.stock.get("MUG-1") == 500 - 120 - 2
                    and amz.stock.get("MUG-1") == 500 - 120 - 2
                )
            )
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=60)
        assert count() == 120
        assert [len(v) for v in shop.shipments.values()] == [1]
        assert [len(v) for v in amz.shipments.values()] == [1]
        assert shop.stock["MUG-1"] == amz.stock["MUG-1"] == 500 - 120 - 2
        assert sum(b.reserved for b in ledger.balances(sku="MUG-1")) == 118
        assert ledger.check().ok
    finally:
        shop.close()
        amz.close()
        ledger.close()
