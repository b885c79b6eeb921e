"""eBay, TikTok Shop and Walmart connectors over real loopback HTTP, with faults."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from worldpool.connectors import service, sync
from worldpool.connectors._http import HttpClient
from worldpool.connectors.errors import ProviderRejected
from worldpool.connectors.provider import StockPush
from worldpool.connectors.providers.ebay import Ebay
from worldpool.connectors.providers.tiktok_shop import TikTokShop
from worldpool.connectors.providers.walmart import Walmart
from worldpool.context import Context
from worldpool.errors import Forbidden
from worldpool.ledger import Ledger
from worldpool.testing.fake_channels import (
    FakeChannel,
    FakeEbay,
    FakeTikTokShop,
    FakeWalmart,
)

from .conftest import connect_more
from .test_sync import orders_in_pool, outbox_rows, run_until


def _reserved(ledger: Ledger, sku: str) -> int:
    return sum(b.reserved for b in ledger.balances(sku=sku))


def test_orders_pulled_once_through_429_5xx_and_timeouts(
    ctx: Context, ledger: Ledger, api_fake: FakeChannel
) -> None:
    """Orders sold during a fault storm arrive exactly once; drift stays 0."""
    connect_more(ctx, api_fake, "acct")
    api_fake.stock["MUG-1"] = 40
    faults = api_fake.faults
    faults.error_rate, faults.throttle_next = 0.2, 6
    faults.retry_after_s, faults.hang_next, faults.hang_s = 0.1, 1, 1.5
    sold = [api_fake.sell("MUG-1", 1) for _ in range(12)]
    assert None not in sold and len(set(sold)) == 12
    channel = api_fake.CHANNEL
    run_until(ctx, lambda: orders_in_pool(ctx).get(channel) == 12, 60)
    assert orders_in_pool(ctx) == {channel: 12}
    assert _reserved(ledger, "MUG-1") == 12
    assert ledger.check().ok
    assert (faults.throttle_next, faults.hang_next) == (0, 0)  # the storm was served


def test_stock_levels_are_pushed(ctx: Context, api_fake: FakeChannel) -> None:
    """Every SKU's published level reaches the channel (plenty: ATP - 2)."""
    connect_more(ctx, api_fake, "acct")
    run_until(
        ctx, lambda: api_fake.stock.get("MUG-1") == 198 and len(api_fake.stock) == 3
    )
    assert api_fake.stock["MUG-1"] == 198
    assert set(api_fake.stock) == {"MUG-1", "LAMP-2", "HOT-3"}


def test_many_levels_go_in_bulk_calls(ctx: Context, api_fake: FakeChannel) -> None:
    """30 SKUs: eBay in 25-SKU batches, Walmart in one feed, TikTok by product."""
    connect_more(ctx, api_fake, "acct")
    row = None
    while row is None:
        row = sync.claim(ctx, "test", 5.0)
    provider, http = sync.open_provider(ctx, row)
    try:
        provider.push_stock([StockPush(f"S-{i}", "US", i, f"k{i}") for i in range(30)])
    finally:
        http.close()
    assert {f"S-{i}": i for i in range(30)}.items() <= api_fake.stock.items()
    if isinstance(api_fake, FakeEbay):
        assert (
            api_fake.requests["POST /sell/inventory/v1/bulk_update_price_quantity"] == 2
        )
    if isinstance(api_fake, FakeWalmart):
        assert api_fake.feeds == 1


def test_tracking_is_pushed_exactly_once(
    ctx: Context, ledger: Ledger, api_fake: FakeChannel
) -> None:
    """Carrier + tracking reach the channel once, even when the push is redone."""
    connect_more(ctx, api_fake, "acct")
    api_fake.stock["LAMP-2"] = 5
    oid = api_fake.sell("LAMP-2", 2)
    assert oid is not None
    channel = api_fake.CHANNEL
    run_until(ctx, lambda: orders_in_pool(ctx).get(channel) == 1)
    result = service.ship(ctx, service.ShipRequest(channel, oid, "UPS", f"1Z{oid}"))
    assert result.push_enqueued
    api_fake.faults.error_rate = 0.3
    run_until(ctx, lambda: len(api_fake.shipments[oid]) == 1)
    with ctx.engine.begin() as conn:  # a worker died after sending, before settling
        conn.execute(
            text("update outbox set status='pending' where topic='shipment.confirmed'")
        )
    run_until(
        ctx,
        lambda: all(
            s == "delivered"
            for _d, t, s in outbox_rows(ctx)
            if t == "shipment.confirmed"
        ),
    )
    (sent,) = api_fake.shipments[oid]
    assert f"1Z{oid}" in json.dumps(sent)
    assert ledger.check().ok


def _signed(fake: FakeChannel, oid: str, event: str) -> tuple[dict[str, str], bytes]:
    if isinstance(fake, FakeEbay):
        return fake.notification(oid, event)
    if isinstance(fake, FakeTikTokShop):
        return fake.webhook(oid, event)
    assert isinstance(fake, FakeWalmart)
    return fake.webhook(oid, event, "/channels/acct/webhooks")


def test_signed_webhooks_accepted_forged_refused(
    ctx: Context, ledger: Ledger, api_fake: FakeChannel
) -> None:
    """A signed event brings its order in once; a forged or altered one is refused."""
    connect_more(ctx, api_fake, "acct")
    api_fake.stock["MUG-1"] = 5
    oid = api_fake.sell("MUG-1", 3)
    assert oid is not None
    headers, body = _signed(api_fake, oid, "evt-1")
    tampered = body.replace(b"evt-1", b"evt-9")
    with pytest.raises(Forbidden):
        service.receive_webhook(ctx, "acct", headers, tampered)
    forged = {k: v[:-4] + "abcd" for k, v in headers.items()}
    with pytest.raises(Forbidden):
        service.receive_webhook(ctx, "acct", forged, body)
    with pytest.raises(Forbidden):
        service.receive_webhook(ctx, "acct", {}, body)
    first = service.receive_webhook(ctx, "acct", headers, body)
    again = service.receive_webhook(ctx, "acct", headers, body)
    assert (first.ingested, first.duplicate, again.duplicate) == (1, False, True)
    assert orders_in_pool(ctx) == {api_fake.CHANNEL: 1}
    assert _reserved(ledger, "MUG-1") == 3


def test_connection_test_calls_the_provider(
    ctx: Context, api_fake: FakeChannel
) -> None:
    """``channels test`` authenticates with the stored (encrypted) credentials."""
    connect_more(ctx, api_fake, "acct")
    answer = service.test_connection(ctx, "acct")
    assert answer.startswith("connection acct works")
    assert api_fake.tokens_issued >= 1  # type: ignore[attr-defined]


def test_revoked_token_is_replaced_once(ctx: Context, api_fake: FakeChannel) -> None:
    """A 401 on a live-looking token fetches one new token and goes on."""
    connect_more(ctx, api_fake, "acct")
    row = None
    while row is None:
        row = sync.claim(ctx, "test", 5.0)
    provider, http = sync.open_provider(ctx, row)
    try:
        provider.push_stock([StockPush("MUG-1", "US", 7, "k1")])
        api_fake.revoke_tokens()  # type: ignore[attr-defined]
        provider.push_stock([StockPush("MUG-1", "US", 6, "k2")])
    finally:
        http.close()
    assert api_fake.stock["MUG-1"] == 6
    assert api_fake.tokens_issued == 2  # type: ignore[attr-defined]


def test_ebay_window_is_reread_when_an_order_leaves_it_mid_paging() -> None:
    """An order modified between pages shifts the offsets: nothing is skipped."""
    fake = FakeEbay(seed=4).start()
    http = HttpClient(fake.url, name="ebay", max_retries=2)
    try:
        provider = Ebay(
            {"token_url": "/identity/v1/oauth2/token", "page_size": 2},
            {"client_id": "ebay-app", "client_secret": "ebay-cert"},
            http,
        )
        fake.stock["MUG-1"] = 10
        ids = [fake.sell("MUG-1", 1) for _ in range(5)]
        seen: list[str] = []
        page = provider.fetch_orders(None)
        seen += [r["orderId"] for r, _v in page.records]
        first = seen[0]
        time.sleep(0.01)
        with fake.lock:  # the buyer changes order 1: it leaves the window
            now = datetime.now(UTC).isoformat(timespec="milliseconds")
            now = now.replace("+00:00", "Z")
            fake.orders[first]["lastModifiedDate"] = now
            fake.log.append((now, first))
        while page.more:
            page = provider.fetch_orders(page.cursor)
            seen += [r["orderId"] for r, _v in page.records]
        assert set(ids) - {first} <= set(seen)
        later: list[str] = []  # the next window has the changed order
        page = provider.fetch_orders(page.cursor)
        later += [r["orderId"] for r, _v in page.records]
        while page.more:
            page = provider.fetch_orders(page.cursor)
            later += [r["orderId"] for r, _v in page.records]
        assert first in later
    finally:
        http.close()
        fake.close()


def test_tiktok_requests_signed_with_another_secret_are_refused() -> None:
    """The fake recomputes every ``sign``: a wrong secret never gets through."""
    fake = FakeTikTokShop(seed=8).start()
    http = HttpClient(fake.url, name="tts", max_retries=1)
    try:
        creds = {"app_key": fake.app_key, "app_secret": fake.app_secret}
        good = TikTokShop({"auth_url": fake.url, "shop_cipher": "c1"}, creds, http)
        assert good.test() == "Fake TikTok Shop"
        bad = TikTokShop({"auth_url": fake.url}, creds, http)
        bad.tokens = good.tokens  # a live token, but signed with another secret
        bad._secret = "not-the-secret"
        with pytest.raises(ProviderRejected):
            bad.test()
        assert fake.bad_signs >= 1
    finally:
        http.close()
        fake.close()


def test_walmart_sends_single_updates_when_no_feed_is_left() -> None:
    """The hourly feed allowance spent, a big push goes SKU by SKU at once."""
    fake = FakeWalmart(seed=9).start()
    http = HttpClient(fake.url, name="wm", max_retries=1)
    try:
        provider = Walmart(
            {"rate_limits": {"bulkInventoryFeed": [0.0001, 1]}},
            {"client_id": fake.client[0], "client_secret": fake.client[1]},
            http,
        )
        provider.push_stock([StockPush(f"S-{i}", "US", i, "a") for i in range(12)])
        provider.push_stock([StockPush(f"S-{i}", "US", i + 1, "b") for i in range(12)])
    finally:
        http.close()
        fake.close()
    assert fake.feeds == 1
    assert fake.requests["PUT /v3/inventory"] == 12
    assert fake.stock["S-11"] == 12
