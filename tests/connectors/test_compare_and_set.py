"""Stock levels never overwrite a channel's own sales (compare-and-set, in-flight hold)."""

from __future__ import annotations

import time

from worldpool.connectors import feed, sync
from worldpool.connectors._http import HttpClient
from worldpool.connectors.buffers import load_buffer_rules
from worldpool.connectors.inflight import ChannelView
from worldpool.connectors.provider import StockPush
from worldpool.connectors.providers.amazon import Amazon
from worldpool.connectors.providers.shopify import Shopify
from worldpool.context import Context
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.ledger import Ledger
from worldpool.testing.fake_channels import FakeAmazon, FakeShopify

from .conftest import connect_shopify


class Clock:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        """Return the current time in seconds."""
        return self.now


def test_view_expects_acknowledged_level_minus_own_sales_since() -> None:
    """Sales noted after the snapshot survive the acknowledgement."""
    view = ChannelView(clock=Clock())
    assert view.snapshot(["A"]) == {"A": (None, 0)}
    view.note_set("A", 10, 0)
    view.note_poll(99.0, {"A": 3})
    expected, sold = view.snapshot(["A"])["A"]
    assert (expected, sold) == (7, 3)
    view.note_poll(99.5, {"A": 1})  # ingested while the set was in flight
    view.note_set("A", 5, sold)
    assert view.snapshot(["A"])["A"] == (4, 1)


def test_view_holds_rate_times_window_and_forgets_after_strikes() -> None:
    """In-flight hold = recent rate x (since poll + push); 3 stale polls forget."""
    clock = Clock()
    view = ChannelView(window_s=10.0, clock=clock)
    clock.now = 110.0
    view.note_poll(110.0, {"HOT": 20})  # 20 units in the 10 s window: 2/s
    view.push_s = 0.5
    clock.now = 111.0  # 1 s since the poll began + 0.5 s push
    assert view.in_flight("HOT") == 3
    assert view.in_flight("COLD") == 0
    clock.now = 125.0  # the window has passed: nothing held
    assert view.in_flight("HOT") == 0
    view.note_set("HOT", 8, 0)
    for i in range(3):
        view.note_poll(126.0 + i, {})
        view.note_stale("HOT")
    assert view.snapshot(["HOT"])["HOT"] == (None, 0)


def test_fake_shopify_refuses_a_stale_change_from_quantity(
    shopify: FakeShopify,
) -> None:
    """CHANGE_FROM_QUANTITY_STALE fails the mutation; the connector resends the rest."""
    shopify.stock.update({"A": 5, "B": 7})
    http = HttpClient(shopify.url)
    try:
        provider = Shopify({"location_id": "gid://shopify/Location/1"}, {}, http)
        stale = provider.push_stock(
            [
                StockPush("A", "US", 9, "k1", expected=4),
                StockPush("B", "US", 3, "k1", 7),
            ]
        )
    finally:
        http.close()
    assert stale == frozenset({"A"})
    assert shopify.stale_rejections == 1
    assert shopify.stock == {"A": 5, "B": 3}  # A kept the shop's own sale


def test_amazon_checks_a_scarce_level_before_setting_it(amazon: FakeAmazon) -> None:
    """SP-API cannot compare-and-set: the offer is read first, a mismatch is stale."""
    amazon.stock.update({"A": 5, "B": 7, "C": 900})
    http = HttpClient(amazon.url)
    settings = {"marketplace_id": "ATVPDKIKX0DER", "seller_id": "S1"}
    settings["token_url"] = "/auth/o2/token"
    try:
        provider = Amazon(settings, {"refresh_token": "r"}, http)
        stale = provider.push_stock(
            [
                StockPush("A", "US", 9, "k", expected=4),
                StockPush("B", "US", 3, "k", expected=7),
                StockPush("C", "US", 800, "k", expected=850),  # plentiful: not read
            ]
        )
    finally:
        http.close()
    assert stale == frozenset({"A"})
    assert amazon.stock == {"A": 5, "B": 3, "C": 800}
    assert amazon.requests["GET /listings/2021-08-01/items/S1"] == 1  # one search


def test_a_level_computed_before_a_sale_is_ingested_never_overwrites_it(
    ctx: Context, ledger: Ledger, shopify: FakeShopify
) -> None:
    """The shop sold 2 units we have not polled: the set is refused, then corrected."""
    connect_shopify(ctx, shopify)
    rules = load_buffer_rules()
    row = sync.claim(ctx, "test", 30.0)
    assert row is not None
    provider, http = sync.open_provider(ctx, row)
    view = ChannelView()
    try:
        feed.publish_stock(ctx, rules, skus=["MUG-1"])
        sync.deliver_outbox(ctx, row, provider, rules=rules, view=view)
        assert shopify.stock["MUG-1"] == 198  # 200 minus the 2-unit buffer
        assert shopify.sell("MUG-1", 1) and shopify.sell("MUG-1", 1)
        ledger.post(
            Movement(MovementKind.RECEIVE, "MUG-1", "US-FC1", 10, "ASN", "A2", "r2")
        )
        feed.publish_stock(ctx, rules)
        first = sync.deliver_outbox(ctx, row, provider, rules=rules, view=view)
        assert shopify.stock["MUG-1"] == 196  # refused: 208 would resell 2 units
        assert first.delivered == 1 and shopify.stale_rejections == 1
        assert sync.poll_orders(ctx, row, provider, view).ingested == 2
        time.sleep(0.4)  # the stale SKU's retry row comes due
        again = sync.deliver_outbox(ctx, row, provider, rules=rules, view=view)
    finally:
        http.close()
    assert again.delivered == 1
    assert shopify.stock["MUG-1"] == 210 - 2 - 2
    assert 208 not in [level for _t, sku, level in shopify.stock_log]
