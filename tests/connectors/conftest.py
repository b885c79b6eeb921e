"""Fixtures of the connectors tests: a stocked pool, a context, loopback fakes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from worldpool.catalog.fx import load_fx
from worldpool.config import Settings
from worldpool.connectors.service import ConnectRequest, connect
from worldpool.context import Context
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.ledger import Ledger
from worldpool.testing import make_sku
from worldpool.testing.fake_channels import (
    FakeAmazon,
    FakeChannel,
    FakeEbay,
    FakeShopify,
    FakeTikTokShop,
    FakeWalmart,
)

SECRET = "test-secret-key-not-for-production"
SKUS = ("MUG-1", "LAMP-2", "HOT-3")


def stock(ledger: Ledger, units: dict[str, int]) -> None:
    """Register the SKUs and receive ``units`` of each at US-FC1."""
    ledger.register_skus([make_sku(s) for s in units])
    for sku, qty in units.items():
        ledger.post(
            Movement(
                MovementKind.RECEIVE, sku, "US-FC1", qty, "ASN", "ASN-1", f"r:{sku}"
            )
        )


def make_ctx(ledger: Ledger, role: str = "owner") -> Context:
    """A context on ``ledger``'s engine with a secret key set."""
    return Context(
        engine=ledger.engine,
        catalog=ledger.catalog,
        fx=load_fx(None),
        settings=Settings(secret_key=SECRET, database_url="sqlite://"),
        seller="default",
        role=role,  # type: ignore[arg-type]
    )


@pytest.fixture
def ctx(ledger: Ledger) -> Context:
    """An owner context on a pool holding MUG-1 x200, LAMP-2 x20, HOT-3 x5 at US-FC1."""
    stock(ledger, {"MUG-1": 200, "LAMP-2": 20, "HOT-3": 5})
    return make_ctx(ledger)


@pytest.fixture
def shopify() -> Iterator[FakeShopify]:
    """A running fake Shopify shop."""
    fake = FakeShopify(seed=1)
    fake.start()
    yield fake
    fake.close()


@pytest.fixture
def amazon() -> Iterator[FakeAmazon]:
    """A running fake SP-API endpoint."""
    fake = FakeAmazon(seed=2)
    fake.start()
    yield fake
    fake.close()


def connect_shopify(ctx: Context, fake: FakeShopify, name: str = "shop-us") -> None:
    """Connect ``fake`` as a Shopify shop selling in the US."""
    connect(
        ctx,
        ConnectRequest(
            name,
            "shopify",
            fake.url,
            {"access_token": "shpat_secret", "webhook_secret": "whsec"},
            {"market": "US", "location_id": "gid://shopify/Location/1"},
        ),
    )


def connect_amazon(ctx: Context, fake: FakeAmazon, name: str = "amazon-us") -> None:
    """Connect ``fake`` as an Amazon US seller account (fast test rate limits)."""
    connect(
        ctx,
        ConnectRequest(
            name,
            "amazon",
            fake.url,
            {"refresh_token": "Atzr|secret", "client_id": "id", "client_secret": "cs"},
            {
                "market": "US",
                "marketplace_id": "ATVPDKIKX0DER",
                "seller_id": "A1SELLER",
                "token_url": "/auth/o2/token",
                "rate_limits": {"searchOrders": [50, 50], "createFeed": [50, 50]},
            },
        ),
    )


FAST_LIMITS = {
    op: [200, 200]
    for op in (
        "getOrders",
        "getShippingFulfillments",
        "createShippingFulfillment",
        "bulkUpdatePriceQuantity",
        "getAllOrders",
        "getAnOrder",
        "updateInventory",
        "bulkInventoryFeed",
    )
}
"""Test rate limits (the documented daily quotas would slow the tests down)."""


def connect_more(ctx: Context, fake: FakeChannel, name: str) -> None:
    """Connect an eBay, TikTok Shop or Walmart fake as a US account."""
    common = {"market": "US", "timeout_s": 1.0, "rate_limits": FAST_LIMITS}
    if isinstance(fake, FakeEbay):
        creds = {"client_id": "ebay-app", "client_secret": "ebay-cert"}
        creds["refresh_token"] = "v^1.1#refresh"
        settings = {
            "token_url": "/identity/v1/oauth2/token",
            "notification_keys": {fake.kid: fake.public_pem},
        }
    elif isinstance(fake, FakeTikTokShop):
        creds = {"app_key": fake.app_key, "app_secret": fake.app_secret}
        creds["refresh_token"] = "ROW_refresh"
        settings = {"shop_cipher": "c1", "warehouse_id": "w1", "auth_url": fake.url}
    else:
        assert isinstance(fake, FakeWalmart)
        creds = {"client_id": fake.client[0], "client_secret": fake.client[1]}
        creds["webhook_secret"] = fake.webhook_secret
        settings = {}  # webhook_path defaults to /channels/<name>/webhooks
    connect(
        ctx,
        ConnectRequest(name, fake.CHANNEL, fake.url, creds, {**common, **settings}),
    )


@pytest.fixture(params=["ebay", "tiktok_shop", "walmart"])
def api_fake(request: pytest.FixtureRequest) -> Iterator[FakeChannel]:
    """A running fake of each API channel added after Shopify and Amazon."""
    kinds: dict[str, type[FakeChannel]] = {
        "ebay": FakeEbay,
        "tiktok_shop": FakeTikTokShop,
        "walmart": FakeWalmart,
    }
    fake = kinds[request.param](seed=3)
    fake.start()
    yield fake
    fake.close()
