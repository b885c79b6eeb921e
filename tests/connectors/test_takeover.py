"""A worker that takes over a dead worker's connection frees its claimed rows."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sqlalchemy import text

from worldpool.connectors import feed, sync
from worldpool.connectors.buffers import load_buffer_rules
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
