"""Lease fencing: a holder that stalled past its lease sends and settles nothing.

Two holders of one connection in turn, on real loopback fakes: ``A`` claims a
batch and stalls (as a worker starved of CPU does) until its lease has run out
and ``B`` took the connection over and delivered newer levels. Amazon has no
compare-and-set, so without the fence A's late push would put back older,
higher levels.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from sqlalchemy import text

from worldpool.connectors import feed, sync
from worldpool.connectors.buffers import load_buffer_rules
from worldpool.connectors.leases import Lease
from worldpool.connectors.provider import StockPush
from worldpool.connectors.stock_push import retry_rows
from worldpool.connectors.worker import Worker, WorkerParams
from worldpool.context import Context
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.ledger import Ledger
from worldpool.ledger.outbox_claims import (
    claim_outbox_on,
    settle_outbox_on,
    still_claimed_on,
)
from worldpool.testing.fake_channels import FakeAmazon, FakeShopify

from .conftest import SKUS, connect_amazon, connect_shopify

LEASE_S = 0.3


class Stalled:
    """The real connector, paused just before its stock push (a starved worker)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.reached = threading.Event()
        self.go = threading.Event()

    def push_stock(self, levels: Sequence[StockPush]) -> frozenset[str]:
        """Wait for ``go``, then push through the real connector (and its guard)."""
        self.reached.set()
        self.go.wait(30)
        return frozenset(self.real.push_stock(levels) or ())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def _claim(
    ctx: Context, worker: str, lease_s: float = LEASE_S
) -> tuple[dict[str, Any], Lease]:
    row = None
    while row is None:
        started = time.monotonic()
        row = sync.claim(ctx, worker, lease_s)
    return row, Lease(row, lease_s, started)


def _sell(ledger: Ledger, sku: str, qty: int) -> None:
    """Units leave the pool (an adjustment the feed turns into a lower level)."""
    ledger.post(
        Movement(MovementKind.ADJUST, sku, "US-FC1", -qty, "test", "T1", f"t:{sku}")
    )


def _statuses(ctx: Context) -> Counter[str]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(text("select status from outbox")).scalars()
        return Counter(str(s) for s in rows)


def test_a_stalled_holder_does_not_overwrite_the_new_holders_levels(
    ctx: Context, ledger: Ledger, amazon: FakeAmazon
) -> None:
    """A's late push is refused; every level reaches the fake once, B's, the newest."""
    connect_amazon(ctx, amazon)
    rules = load_buffer_rules()
    feed.publish_stock(ctx, rules, skus=list(SKUS))
    row_a, lease_a = _claim(ctx, "A")
    provider_a, http_a = sync.open_provider(ctx, row_a)
    http_a.guard = lease_a.guard
    stalled = Stalled(provider_a)
    late: list[sync.DeliveryReport] = []
    a = threading.Thread(
        target=lambda: late.append(
            sync.deliver_outbox(ctx, row_a, stalled, rules=rules)
        )
    )
    a.start()
    assert stalled.reached.wait(30)  # A claimed its batch and stalls
    time.sleep(LEASE_S * 1.5)  # ... past its lease
    row_b, _lease_b = _claim(ctx, "B")
    assert row_b["taken_over"] is True
    assert sync.unclaim(ctx, row_b) == 1  # A's claimed row is due again
    _sell(ledger, "MUG-1", 50)  # a newer, lower level
    feed.publish_stock(ctx, rules)
    provider_b, http_b = sync.open_provider(ctx, row_b)
    try:
        delivered = sync.deliver_outbox(ctx, row_b, provider_b, rules=rules)
        assert delivered.delivered == 2
        assert amazon.stock == {"MUG-1": 148, "LAMP-2": 18, "HOT-3": 3}
        # A's heartbeat would find the lease gone now; then A wakes up.
        assert sync.renew_many(ctx, "A", {lease_a.connection_id: lease_a.epoch}, 1) == (
            set()
        )
        lease_a.lose()
        stalled.go.set()
        a.join(30)
    finally:
        http_a.close()
        http_b.close()
    assert late == [sync.DeliveryReport()]  # nothing sent, nothing settled
    assert amazon.stock == {"MUG-1": 148, "LAMP-2": 18, "HOT-3": 3}
    assert Counter(sku for _t, sku, _lv in amazon.stock_log) == dict.fromkeys(SKUS, 1)
    assert _statuses(ctx) == {"delivered": 2}


def test_only_the_claiming_lease_settles_its_rows(
    ctx: Context, shopify: FakeShopify
) -> None:
    """After a takeover the old token settles and retries nothing; the new one does."""
    connect_shopify(ctx, shopify)
    feed.publish_stock(ctx, load_buffer_rules(), skus=list(SKUS))
    row_a, lease_a = _claim(ctx, "A")
    with ctx.engine.begin() as conn:
        items_a = claim_outbox_on(
            conn, "default", "shop-us", 10, 30.0, token=lease_a.token
        )
    assert [i["claimed_by"] for i in items_a] == ["A#1"]
    time.sleep(LEASE_S * 1.5)
    row_b, lease_b = _claim(ctx, "B")
    assert lease_b.token == "B#2"
    assert sync.unclaim(ctx, row_b) == 1
    with ctx.engine.begin() as conn:  # A wakes up: its rows are gone
        assert still_claimed_on(conn, items_a) == set()
        assert (
            settle_outbox_on(conn, [int(items_a[0]["id"])], "delivered", token="A#1")
            == 0
        )
        assert retry_rows(conn, items_a, "late", 10, Random(1)) == 0
        items_b = claim_outbox_on(conn, "default", "shop-us", 10, 30.0, token="B#2")
    assert [i["id"] for i in items_b] == [i["id"] for i in items_a]
    assert sync.unclaim(ctx, row_b) == 0  # B's own batch in flight stays claimed
    assert sync.unclaim(ctx, row_a) == 0  # A no longer holds the lease
    with ctx.engine.begin() as conn:
        assert still_claimed_on(conn, items_b) == {int(items_b[0]["id"])}
        assert (
            settle_outbox_on(conn, [int(items_b[0]["id"])], "delivered", token="B#2")
            == 1
        )
    assert _statuses(ctx) == {"delivered": 1}


def test_a_holder_that_lost_its_lease_claims_nothing(
    ctx: Context, shopify: FakeShopify
) -> None:
    """A's next batch after the takeover finds no lease: the rows stay B's to send."""
    connect_shopify(ctx, shopify)
    feed.publish_stock(ctx, load_buffer_rules(), skus=list(SKUS))
    row_a, _lease_a = _claim(ctx, "A")
    time.sleep(LEASE_S * 1.5)
    row_b, _lease_b = _claim(ctx, "B")
    provider, http = sync.open_provider(ctx, row_a)
    try:
        assert sync.deliver_outbox(ctx, row_a, provider) == sync.DeliveryReport()
        assert shopify.stock == {}
        assert sync.deliver_outbox(ctx, row_b, provider).delivered == 1
    finally:
        http.close()
    assert shopify.stock == {"MUG-1": 198, "LAMP-2": 18, "HOT-3": 3}


def test_a_busy_worker_takes_over_an_orphan_with_a_spare_slot(
    ctx: Context, shopify: FakeShopify
) -> None:
    """One slot, busy for its whole turn: the orphaned shop is still taken over."""
    other = FakeShopify(seed=9).start()
    try:
        connect_shopify(ctx, shopify, "shop-a")
        connect_shopify(ctx, other, "shop-b")
        feed.publish_stock(ctx, load_buffer_rules(), skus=list(SKUS))
        dead, lease = _claim(ctx, "dead", 3.0)  # then it dies mid-batch
        with ctx.engine.begin() as conn:
            claimed = claim_outbox_on(
                conn, "default", str(dead["name"]), 10, 30.0, token=lease.token
            )
        assert len(claimed) == 1
        params = WorkerParams(
            slots=1, spare_slots=1, lease_s=1.0, turn_s=600.0, idle_s=0.02
        )
        worker = Worker(ctx.acting_as(role="system"), params)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()  # its one slot takes the other shop, for the whole test
        want = {"MUG-1": 198, "LAMP-2": 9, "HOT-3": 0}
        end = time.monotonic() + 30
        while time.monotonic() < end and not (shopify.stock == other.stock == want):
            time.sleep(0.05)
        worker.stop.set()
        thread.join(30)
    finally:
        other.close()
    assert shopify.stock == other.stock == want
    assert worker.counters["spare_takeovers"] == 1
    assert worker.counters["outbox_unclaimed"] == 1
    assert _statuses(ctx) == {"delivered": 2}


def test_a_failed_batch_goes_again_after_its_backoff_not_its_claim_lease(
    ctx: Context, shopify: FakeShopify
) -> None:
    """retry_rows reschedules every row of a failed batch and clears its claim."""
    connect_shopify(ctx, shopify)
    feed.publish_stock(ctx, load_buffer_rules(), skus=list(SKUS))
    _row, lease = _claim(ctx, "A")
    with ctx.engine.begin() as conn:
        items = claim_outbox_on(conn, "default", "shop-us", 10, 30.0, token=lease.token)
        assert retry_rows(conn, items, "HTTP 503", 10, Random(1)) == 0
    with ctx.engine.connect() as conn:
        row = conn.execute(
            text("select claimed_by, last_error, next_attempt_at from outbox")
        ).one()
    due = datetime.fromisoformat(str(row[2]))
    due = due if due.tzinfo else due.replace(tzinfo=UTC)
    assert row[0] is None and row[1] == "HTTP 503"
    assert due < datetime.now(UTC) + timedelta(seconds=5)  # attempt 1: <= 1 s backoff
