"""The sync loop over real loopback HTTP against fake Shopify and Amazon, with faults."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import text

from worldpool.connectors import feed, service, sync
from worldpool.connectors.buffers import load_buffer_rules
from worldpool.connectors.providers.shopify import sign_webhook
from worldpool.connectors.worker import Worker, WorkerParams
from worldpool.context import Context
from worldpool.errors import Forbidden
from worldpool.ledger import Ledger
from worldpool.testing.fake_channels import FakeAmazon, FakeShopify

from .conftest import connect_amazon, connect_shopify

FAST = WorkerParams(
    slots=4, lease_s=1.0, poll_interval_s=0.1, feed_interval_s=0.05, idle_s=0.02, seed=7
)


def run_until(
    ctx: Context, done: Callable[[], bool], timeout_s: float = 30.0
) -> Worker:
    """Run a worker until ``done()`` holds (or the timeout), then stop it."""
    worker = Worker(ctx.acting_as(role="system"), FAST)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    end = time.monotonic() + timeout_s
    while time.monotonic() < end and not done():
        time.sleep(0.05)
    worker.stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return worker


def orders_in_pool(ctx: Context) -> dict[str, int]:
    """Count stored orders per channel."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            text("select channel, count(*) from orders group by channel")
        )
        return {r[0]: int(r[1]) for r in rows}


def outbox_rows(ctx: Context) -> list[tuple[str, str, str]]:
    """(destination, topic, status) of every outbox row."""
    with ctx.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text("select destination, topic, status from outbox order by id")
            )
        ]


def test_stock_is_published_with_buffer_to_every_channel(
    ctx: Context, ledger: Ledger, shopify: FakeShopify, amazon: FakeAmazon
) -> None:
    """Plenty: ATP - 2; scarce (<= 50): split between channels, under 2 shown as 0."""
    connect_shopify(ctx, shopify)
    connect_amazon(ctx, amazon)
    want = {"MUG-1": 198, "LAMP-2": 9, "HOT-3": 0}
    run_until(ctx, lambda: shopify.stock == want and amazon.stock == want)
    assert shopify.stock == want
    assert amazon.stock == want


def test_orders_flow_in_once_under_5xx_429_and_timeouts(
    ctx: Context, ledger: Ledger, shopify: FakeShopify, amazon: FakeAmazon
) -> None:
    """Orders sold during 5xx, 429 storms and hung replies all arrive exactly once."""
    connect_shopify(ctx, shopify)
    connect_amazon(ctx, amazon)
    for fake in (shopify, amazon):
        fake.stock.update({"MUG-1": 40})
        fake.faults.error_rate = 0.2
        fake.faults.throttle_next = 5
        fake.faults.hang_next = 1
        fake.faults.hang_s = 11.0
    sold = [f.sell("MUG-1", 1) for f in (shopify, amazon) for _ in range(10)]
    assert None not in sold
    run_until(ctx, lambda: orders_in_pool(ctx) == {"shopify": 10, "amazon": 10}, 60)
    assert orders_in_pool(ctx) == {"shopify": 10, "amazon": 10}
    assert ledger.check().ok
    assert sum(b.reserved for b in ledger.balances(sku="MUG-1")) == 20


def test_burst_of_reservations_sends_one_level_per_sku_and_channel(
    ctx: Context, ledger: Ledger, shopify: FakeShopify
) -> None:
    """30 reservations of one SKU become one outbox row and one pushed level."""
    connect_shopify(ctx, shopify)
    run_until(ctx, lambda: shopify.stock.get("MUG-1") == 198)
    before = len(shopify.stock_log)
    shopify.stock["MUG-1"] = 300  # the shop's own view, before it hears from us
    for _ in range(30):
        shopify.sell("MUG-1", 1)
    row = None
    while row is None:  # the worker's lease is given back as it stops
        row = sync.claim(ctx, "test", 5.0)
    provider, http = sync.open_provider(ctx, row)
    try:
        assert sync.poll_orders(ctx, row, provider).ingested == 30
        assert feed.publish_stock(ctx, load_buffer_rules()) == 1
        report = sync.deliver_outbox(ctx, row, provider)
    finally:
        http.close()
    assert (report.delivered, report.superseded) == (1, 0)
    pushes = [e for e in shopify.stock_log[before:] if e[1] == "MUG-1"]
    assert [level for _t, _sku, level in pushes] == [168]


def test_shipping_pushes_tracking_exactly_once_despite_faults(
    ctx: Context, ledger: Ledger, shopify: FakeShopify, amazon: FakeAmazon
) -> None:
    """Carrier + tracking reach the channel the order came from, once each."""
    connect_shopify(ctx, shopify)
    connect_amazon(ctx, amazon)
    shopify.stock["LAMP-2"] = 5
    amazon.stock["LAMP-2"] = 5
    sid, aid = shopify.sell("LAMP-2", 1), amazon.sell("LAMP-2", 1)
    assert sid and aid
    run_until(ctx, lambda: sum(orders_in_pool(ctx).values()) == 2)
    for channel, oid in (("shopify", sid), ("amazon", aid)):
        result = service.ship(ctx, service.ShipRequest(channel, oid, "UPS", f"1Z{oid}"))
        assert result.status == "shipped"
        again = service.ship(ctx, service.ShipRequest(channel, oid, "UPS", f"1Z{oid}"))
        assert not again.push_enqueued
    for fake in (shopify, amazon):
        fake.faults.error_rate = 0.3
    # A worker that died after sending but before settling: the row is due again.
    run_until(ctx, lambda: len(shopify.shipments) == 1 and len(amazon.shipments) == 1)
    with ctx.engine.begin() as conn:
        conn.execute(
            text(
                "update outbox set status='pending', attempts=1 "
                "where topic='shipment.confirmed'"
            )
        )
    run_until(
        ctx,
        lambda: all(
            s == "delivered"
            for d, tp, s in outbox_rows(ctx)
            if tp == "shipment.confirmed"
        ),
    )
    assert shopify.shipments[sid] == [{"company": "UPS", "number": f"1Z{sid}"}]
    assert [s["trackingNumber"] for s in amazon.shipments[aid]] == [f"1Z{aid}"]
    assert ledger.check().ok


def test_webhooks_are_verified_deduped_and_out_of_order_ones_dropped(
    ctx: Context, ledger: Ledger, shopify: FakeShopify
) -> None:
    """A bad HMAC is refused; a repeated event id and an older version do nothing."""
    connect_shopify(ctx, shopify)
    from worldpool.connectors.providers.shopify import _rest_order

    shopify.create_order("5001", [("MUG-1", 2)])
    newer = _rest_order(shopify.orders["5001"])
    newer["updated_at"] = "2026-01-02T00:00:00.000000Z"
    older = dict(newer, updated_at="2026-01-01T00:00:00.000000Z", cancelled_at="x")
    body = json.dumps(newer).encode()
    head = {"X-Shopify-Topic": "orders/updated", "X-Shopify-Webhook-Id": "e1"}
    with pytest.raises(Forbidden):
        service.receive_webhook(
            ctx, "shop-us", {**head, "X-Shopify-Hmac-Sha256": "x"}, body
        )
    signed = {**head, "X-Shopify-Hmac-Sha256": sign_webhook(body, "whsec")}
    first = service.receive_webhook(ctx, "shop-us", signed, body)
    dup = service.receive_webhook(ctx, "shop-us", signed, body)
    old_body = json.dumps(older).encode()
    old = service.receive_webhook(
        ctx,
        "shop-us",
        {
            **head,
            "X-Shopify-Webhook-Id": "e0",
            "X-Shopify-Hmac-Sha256": sign_webhook(old_body, "whsec"),
        },
        old_body,
    )
    assert (first.ingested, dup.duplicate, old.stale) == (1, True, 1)
    assert orders_in_pool(ctx) == {"shopify": 1}
    assert sum(b.reserved for b in ledger.balances(sku="MUG-1")) == 2


def test_credentials_are_encrypted_at_rest_and_never_listed(
    ctx: Context, shopify: FakeShopify
) -> None:
    """The stored row holds no clear secret; listings show names only."""
    connect_shopify(ctx, shopify)
    with ctx.engine.connect() as conn:
        raw = " ".join(
            str(v)
            for v in conn.execute(text("select * from channel_connections")).one()
        )
    assert "shpat_secret" not in raw and "whsec" not in raw
    (info,) = service.list_connections(ctx)
    assert info.credentials == {"access_token": "***", "webhook_secret": "***"}
    assert "shpat_secret" not in repr(service.list_connections(ctx))
    assert service.test_connection(ctx, "shop-us").endswith("Fake Shop")
    service.disconnect(ctx, "shop-us")
    assert service.list_connections(ctx)[0].status == "disconnected"
