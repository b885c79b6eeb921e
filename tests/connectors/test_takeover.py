"""A worker that takes over a dead worker's connection frees its claimed rows."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from worldpool.connectors import feed, sync
from worldpool.connectors.buffers import load_buffer_rules
from worldpool.connectors.liveness import LivenessLock
from worldpool.connectors.worker import Worker, WorkerParams
from worldpool.context import Context
from worldpool.ledger.outbox_queue import claim_outbox_on
from worldpool.testing.fake_channels import FakeShopify

from .conftest import connect_shopify


def _hidden(ctx: Context) -> int:
    """Pending rows not due yet."""
    now = datetime.now(UTC)
    with ctx.engine.connect() as conn:
        due = conn.execute(
            text("select next_attempt_at from outbox where status = 'pending'")
        ).scalars()
        when = [datetime.fromisoformat(str(d)) for d in due]
    return sum((d if d.tzinfo else d.replace(tzinfo=UTC)) > now for d in when)


def _claim(ctx: Context, worker: str, lease_s: float) -> dict[str, object]:
    row = None
    while row is None:
        row = sync.claim(ctx, worker, lease_s)
    return row


def test_rows_claimed_by_a_dead_worker_go_at_once(
    ctx: Context, shopify: FakeShopify
) -> None:
    """Killed mid-batch: the next holder delivers its rows without waiting 30 s."""
    connect_shopify(ctx, shopify)
    feed.publish_stock(ctx, load_buffer_rules(), skus=["MUG-1", "LAMP-2", "HOT-3"])
    dead = _claim(ctx, "dead", 0.05)
    assert dead["taken_over"] is False  # nobody held it before
    with ctx.engine.begin() as conn:  # the batch it claimed, then it died
        claimed = claim_outbox_on(conn, "default", "shop-us", 100, 30.0)
    assert claimed and _hidden(ctx) == len(claimed)
    time.sleep(0.1)  # its connection lease runs out
    alive = _claim(ctx, "alive", 5.0)
    assert alive["taken_over"] is True
    assert sync.unclaim(ctx, alive) == len(claimed)
    assert _hidden(ctx) == 0
    provider, http = sync.open_provider(ctx, alive)
    try:
        report = sync.deliver_outbox(ctx, alive, provider)
    finally:
        http.close()
    assert report.delivered == len(claimed)
    assert shopify.stock["MUG-1"] == 198


def test_a_lease_given_back_is_not_a_takeover(ctx: Context) -> None:
    """Released leases (a turn ended) free nothing: the rows are not in flight."""
    shopify = FakeShopify(seed=3).start()
    try:
        connect_shopify(ctx, shopify)
        first = _claim(ctx, "one", 5.0)
        sync.release(ctx, int(first["id"]), "one")
        assert _claim(ctx, "two", 5.0)["taken_over"] is False
    finally:
        shopify.close()


def test_a_given_back_connection_waits_for_idle_slots_before_a_spare(
    ctx: Context,
) -> None:
    """A busy worker's scout takes a given-back connection only after the handoff.

    Idle slots (any worker's) claim at once; a spare only once nobody did for
    ``given_back_s``; an orphan (lease ran out, never given back) at once.
    """
    shopify = FakeShopify(seed=4).start()
    try:
        connect_shopify(ctx, shopify)
        first = _claim(ctx, "busy", 5.0)
        sync.release(ctx, int(first["id"]), "busy")
        assert sync.claim(ctx, "busy", 5.0, orphans_only=True) is None
        assert sync.claim(ctx, "busy", 5.0, orphans_only=True, given_back_s=60) is None
        spare = sync.claim(ctx, "busy", 0.05, orphans_only=True, given_back_s=0.0)
        assert spare is not None and spare["taken_over"] is False
        time.sleep(0.1)  # the spare's worker dies: its lease runs out
        orphan = sync.claim(ctx, "other", 5.0, orphans_only=True, given_back_s=60)
        assert orphan is not None and orphan["taken_over"] is True
        sync.release(ctx, int(orphan["id"]), "other")
        idle = sync.claim(ctx, "idle", 5.0)  # an idle slot: no wait
        assert idle is not None and idle["lease_owner"] == "idle"
    finally:
        shopify.close()


def test_a_spare_hands_its_connection_to_an_idle_worker(ctx: Context) -> None:
    """After its short turn a spare's connection goes to a worker with idle slots.

    Worker A (one slot, busy with shop-a for its whole turn) takes orphaned
    shop-b with a spare slot; worker B starts with an idle slot: once the
    spare's turn ends, B holds shop-b and A's scout does not take it back.
    """
    a_shop, b_shop = FakeShopify(seed=5).start(), FakeShopify(seed=6).start()
    workers: list[Worker] = []
    threads: list[threading.Thread] = []
    try:
        connect_shopify(ctx, a_shop, "shop-a")
        connect_shopify(ctx, b_shop, "shop-b")
        dead = _claim(ctx, "dead", 0.3)  # shop-a or shop-b; its worker dies
        fast = {"lease_s": 0.5, "idle_s": 0.02, "handoff_s": 0.3}
        a = Worker(
            ctx.acting_as(role="system"),
            WorkerParams(slots=1, spare_slots=1, turn_s=600, spare_turn_s=0.5, **fast),
        )
        workers.append(a)
        threads.append(threading.Thread(target=a.run, daemon=True))
        threads[-1].start()
        _wait(lambda: a.counters["spare_takeovers"] == 1)
        b = Worker(ctx.acting_as(role="system"), WorkerParams(slots=1, **fast))
        workers.append(b)
        threads.append(threading.Thread(target=b.run, daemon=True))
        threads[-1].start()
        _wait(lambda: _owner(ctx, str(dead["name"])).startswith(b.name))
        time.sleep(1.0)  # several spare turns and handoffs later
        assert _owner(ctx, str(dead["name"])).startswith(b.name)
        assert b.held_count() == 1 and a.held_count() == 1
    finally:
        for w in workers:
            w.stop.set()
        for th in threads:
            th.join(30)
        a_shop.close()
        b_shop.close()


def _owner(ctx: Context, name: str) -> str:
    with ctx.engine.connect() as conn:
        owner = conn.execute(
            text("select lease_owner from channel_connections where name = :n"),
            {"n": name},
        ).scalar()
    return str(owner or "")


def _wait(done: Callable[[], bool], timeout_s: float = 20.0) -> None:
    end = time.monotonic() + timeout_s
    while not done() and time.monotonic() < end:
        time.sleep(0.02)
    assert done()


def test_a_turn_ends_only_when_a_connection_waits(ctx: Context) -> None:
    """With a slot for every connection nothing rotates (the connector stays warm).

    One slot, two shops: the turns rotate them. One slot, one shop: the
    lease is never given back, its epoch stays at the first claim.
    """
    shops = [FakeShopify(seed=7).start(), FakeShopify(seed=8).start()]
    try:
        connect_shopify(ctx, shops[0], "shop-a")
        params = WorkerParams(
            slots=1, spare_slots=0, lease_s=0.5, turn_s=0.2, idle_s=0.02
        )
        _run_for(Worker(ctx.acting_as(role="system"), params), 1.2)
        assert _epochs(ctx) == {"shop-a": 1}
        connect_shopify(ctx, shops[1], "shop-b")
        _run_for(Worker(ctx.acting_as(role="system"), params), 1.5)
        epochs = _epochs(ctx)  # one slot held both, in turn
        assert epochs["shop-a"] >= 2 and epochs["shop-b"] >= 1
    finally:
        for shop in shops:
            shop.close()


def _run_for(worker: Worker, seconds: float) -> None:
    thread = threading.Thread(target=worker.run, args=(seconds,), daemon=True)
    thread.start()
    thread.join(30)


def _epochs(ctx: Context) -> dict[str, int]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(text("select name, lease_epoch from channel_connections"))
        return {str(n): int(e) for n, e in rows}


def test_a_dead_workers_leases_are_taken_at_once(ctx: Context) -> None:
    """PostgreSQL: a worker whose liveness lock is gone has lost its leases.

    Its session ended (killed): another worker claims its connection without
    waiting out the 60 s lease. A live worker's lease, and a holder that never
    took a lock (not shaped like a worker's name), stand until they run out.
    """
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite has one process")
    shops = [FakeShopify(seed=9).start(), FakeShopify(seed=10).start()]
    alive = LivenessLock(ctx.engine, "host:1:aaaaaa")
    taker = LivenessLock(ctx.engine, "host:2:bbbbbb")
    try:
        connect_shopify(ctx, shops[0], "shop-a")
        connect_shopify(ctx, shops[1], "shop-b")
        assert alive.ensure() and taker.ensure()
        held = sync.claim(ctx, "host:1:aaaaaa", 60.0)
        other = sync.claim(ctx, "nolock", 60.0)
        assert held is not None and other is not None
        assert sync.claim(ctx, "host:2:bbbbbb", 5.0, dead_holders=True) is None
        alive.release()  # as its session ending with the process does
        taken = sync.claim(ctx, "host:2:bbbbbb", 5.0, dead_holders=True)
        assert taken is not None and taken["id"] == held["id"]
        assert taken["taken_over"] is True
        assert sync.claim(ctx, "host:2:bbbbbb", 5.0, dead_holders=True) is None
    finally:
        alive.release()
        taker.release()
        for shop in shops:
            shop.close()
