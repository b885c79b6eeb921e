"""SIGKILL mid-batch with eBay, TikTok Shop and Walmart connected, then a restart."""

from __future__ import annotations

import json
import signal

import pytest
from sqlalchemy import text

from worldpool.catalog import load_catalog
from worldpool.connectors import service
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine
from worldpool.testing.fake_channels import FakeEbay, FakeTikTokShop, FakeWalmart

from .conftest import connect_more, make_ctx, stock
from .test_worker_kill import _wait, _worker

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_sigkill_with_the_new_channels_loses_and_doubles_nothing(pg_url: str) -> None:
    """After SIGKILL and restart: 3 x 40 orders once each, each tracking push once."""
    ledger = Ledger(make_engine(pg_url), load_catalog())
    ledger.init()
    stock(ledger, {"MUG-1": 500})
    ctx = make_ctx(ledger)
    fakes = [FakeEbay(seed=5), FakeTikTokShop(seed=6), FakeWalmart(seed=7)]
    for i, fake in enumerate(fakes):
        fake.start()
        connect_more(ctx, fake, f"acct-{i}")
        fake.stock["MUG-1"] = 500
        fake.faults.delay_s = 0.01  # slow replies: the kill lands mid-batch
        fake.faults.error_rate = 0.05
    try:
        sold = {f.CHANNEL: [f.sell("MUG-1", 1) for _ in range(40)] for f in fakes}

        def count() -> int:
            with ctx.engine.connect() as conn:
                return int(
                    conn.execute(text("select count(*) from orders")).scalar() or 0
                )

        first = _worker(pg_url)
        _wait(lambda: count() >= 15)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert count() < 120  # it really died mid-way
        second = _worker(pg_url)
        try:
            _wait(lambda: count() == 120, 90)
            for channel, ids in sold.items():
                oid = ids[0]
                assert oid is not None
                service.ship(ctx, service.ShipRequest(channel, oid, "DHL", f"JD{oid}"))
            _wait(lambda: all(len(f.shipments) == 1 for f in fakes))
            _wait(lambda: all(f.stock.get("MUG-1") == 500 - 120 - 2 for f in fakes))
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=60)
        assert count() == 120
        for fake in fakes:
            (pushes,) = fake.shipments.values()
            assert len(pushes) == 1 and "JD" in json.dumps(pushes)
            assert fake.stock["MUG-1"] == 500 - 120 - 2
        assert sum(b.reserved for b in ledger.balances(sku="MUG-1")) == 117
        assert ledger.check().ok
    finally:
        for fake in fakes:
            fake.close()
        ledger.close()
