"""Channel connections, sync status, webhooks, shipping and metrics over the API."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from worldpool.connectors.providers.shopify import _rest_order, sign_webhook
from worldpool.testing.fake_channels import FakeShopify, FakeWalmart

from .conftest import SQLITE_ONLY, Server


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeShopify]:
    """A fake Shopify shop, and the secret key the server seals credentials with."""
    monkeypatch.setenv("WORLDPOOL_SECRET_KEY", "api-test-key")
    fake = FakeShopify(seed=9).start()
    yield fake
    fake.close()


@SQLITE_ONLY
def test_connect_webhook_ship_and_status_over_http(
    shop: FakeShopify, server: Server
) -> None:
    """A connection is made, a signed webhook ingests, shipping queues tracking."""
    body = {
        "name": "shop-us",
        "channel": "shopify",
        "base_url": shop.url,
        "market": "US",
        "credentials": {"access_token": "shpat_x", "webhook_secret": "whsec"},
        "settings": {"location_id": "gid://shopify/Location/1"},
    }
    with server.client("read") as reader:
        assert reader.post("/channels", json=body).status_code == 403
    with server.client("admin") as admin:
        made = admin.post("/channels", json=body)
        assert made.status_code == 201, made.text
        assert made.json()["credentials"] == {
            "access_token": "***",
            "webhook_secret": "***",
        }
        assert "shpat_x" not in admin.get("/channels").text
        assert (
            admin.post("/channels/shop-us/test").json()["result"].endswith("Fake Shop")
        )
    shop.create_order("7001", [("MUG-1", 1)])
    raw = json.dumps(_rest_order(shop.orders["7001"])).encode()
    head = {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Webhook-Id": "wh-1",
        "X-Shopify-Hmac-Sha256": sign_webhook(raw, "whsec"),
    }
    with server.client(None) as anon:
        first = anon.post("/channels/shop-us/webhooks", content=raw, headers=head)
        again = anon.post("/channels/shop-us/webhooks", content=raw, headers=head)
        bad = anon.post(
            "/channels/shop-us/webhooks",
            content=raw,
            headers={**head, "X-Shopify-Hmac-Sha256": "nope"},
        )
    assert (first.json()["ingested"], again.json()["duplicate"]) == (1, True)
    assert bad.status_code == 401
    _alias_takes_the_same_path(shop, server)
    with server.client("write") as writer:
        shipped = writer.post(
            "/shipments",
            json={
                "channel": "shopify",
                "channel_order_id": "7001",
                "carrier": "UPS",
                "tracking_number": "1Z1",
            },
        )
        status = writer.get("/sync/status").json()
    assert shipped.json() == {
        "order": "shopify:7001",
        "status": "shipped",
        "push_enqueued": True,
    }
    assert status[0]["name"] == "shop-us" and status[0]["queue_pending"] == 1
    with server.client(None) as anon:
        metrics = anon.get("/metrics").text
    assert 'worldpool_outbox_pending{connection="shop-us"} 1' in metrics


def _alias_takes_the_same_path(shop: FakeShopify, server: Server) -> None:
    """``/webhooks/shopify`` finds the shop's connection and does the same."""
    shop.create_order("7002", [("MUG-1", 1)])
    raw = json.dumps(_rest_order(shop.orders["7002"])).encode()
    head = {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Webhook-Id": "wh-2",
        "X-Shopify-Shop-Domain": "127.0.0.1",  # the fake shop's host
        "X-Shopify-Hmac-Sha256": sign_webhook(raw, "whsec"),
    }
    with server.client(None) as anon:
        first = anon.post("/webhooks/shopify", content=raw, headers=head)
        again = anon.post("/webhooks/shopify", content=raw, headers=head)
        bad = anon.post(
            "/webhooks/shopify",
            content=raw,
            headers={**head, "X-Shopify-Hmac-Sha256": sign_webhook(raw, "other")},
        )
        other_shop = anon.post(
            "/webhooks/shopify",
            content=raw,
            headers={**head, "X-Shopify-Shop-Domain": "elsewhere.myshopify.com"},
        )
    assert first.status_code == 200, first.text
    assert (first.json()["ingested"], again.json()["duplicate"]) == (1, True)
    assert (bad.status_code, other_shop.status_code) == (401, 404)


@SQLITE_ONLY
def test_walmart_webhook_signed_for_the_api_route(
    shop: FakeShopify, server: Server
) -> None:
    """A Walmart HMAC delivery signed for ``/channels/<name>/webhooks`` is accepted.

    (``shop`` sets the secret key the server seals credentials with.)
    """
    fake = FakeWalmart(seed=11).start()
    try:
        body = {
            "name": "wm-us",
            "channel": "walmart",
            "base_url": fake.url,
            "market": "US",
            "credentials": {
                "client_id": fake.client[0],
                "client_secret": fake.client[1],
                "webhook_secret": fake.webhook_secret,
            },
        }
        with server.client("admin") as admin:
            assert admin.post("/channels", json=body).status_code == 201
        fake.stock["MUG-1"] = 3
        po = fake.sell("MUG-1", 1)
        assert po is not None
        head, raw = fake.webhook(po, "wm-evt-1", "/channels/wm-us/webhooks")
        elsewhere, raw2 = fake.webhook(po, "wm-evt-2", "/other/path")
        with server.client(None) as anon:
            first = anon.post("/channels/wm-us/webhooks", content=raw, headers=head)
            wrong = anon.post(
                "/channels/wm-us/webhooks", content=raw2, headers=elsewhere
            )
        assert first.status_code == 200, first.text
        assert first.json()["ingested"] == 1
        assert wrong.status_code == 401
    finally:
        fake.close()
