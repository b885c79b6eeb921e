"""A stock push that sets some SKUs and not others: the rest is delivered.

TikTok Shop takes one product per ``Update Inventory`` call, so a push is
many calls; one refused call must not send every other product again.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text, update

from worldpool.connectors import feed, sync
from worldpool.connectors._http import HttpClient
from worldpool.connectors.buffers import load_buffer_rules
from worldpool.connectors.errors import PushIncomplete
from worldpool.connectors.provider import StockPush
from worldpool.connectors.providers import limits_for
from worldpool.connectors.providers.tiktok_shop import TikTokShop
from worldpool.connectors.stock_push import StockBatch, defer
from worldpool.context import Context
from worldpool.ledger.audit_tables import outbox
from worldpool.testing.fake_channels import FakeEbay, FakeTikTokShop

from .conftest import connect_more
from .test_sync import run_until


@pytest.fixture
def tiktok() -> Iterator[FakeTikTokShop]:
    """A running fake TikTok Shop."""
    fake = FakeTikTokShop(seed=5)
    fake.start()
    yield fake
    fake.close()


def _shop(fake: FakeTikTokShop, concurrency: int) -> tuple[TikTokShop, HttpClient]:
    settings = {**fake.SETTINGS, "auth_url": fake.url}
    settings["push_concurrency"] = concurrency
    http = HttpClient(
        fake.url, timeout_s=2.0, limits=limits_for("tiktok_shop", settings)
    )
    return TikTokShop(settings, dict(fake.CREDENTIALS), http), http


def _sets(fake: FakeTikTokShop) -> Counter[str]:
    """Levels the fake applied, per SKU."""
    return Counter(sku for _t, sku, _level in fake.stock_log)


def test_a_refused_product_is_named_and_the_others_are_set(
    tiktok: FakeTikTokShop,
) -> None:
    """One refused product of ten: the push says which; the nine are set."""
    tiktok.refuse_inventory["S-3"] = 1
    shop, http = _shop(tiktok, concurrency=4)
    try:
        with pytest.raises(PushIncomplete) as caught:
            shop.push_stock([StockPush(f"S-{i}", "US", i, f"k{i}") for i in range(10)])
    finally:
        http.close()
    assert caught.value.failed == {"S-3"}
    assert tiktok.stock == {f"S-{i}": i for i in range(10) if i != 3}
    assert tiktok.refuse_inventory["S-3"] == 0


def test_levels_go_scarcest_first(tiktok: FakeTikTokShop) -> None:
    """With one call at a time, the lowest levels reach the channel first."""
    shop, http = _shop(tiktok, concurrency=1)
    levels = [7, 0, 120, 3, 45]
    try:
        shop.push_stock([StockPush(f"S-{n}", "US", n, f"k{n}") for n in levels])
    finally:
        http.close()
    assert [level for _t, _sku, level in tiktok.stock_log] == sorted(levels)


def test_only_the_failed_product_goes_again_and_lands_once(
    ctx: Context, tiktok: FakeTikTokShop
) -> None:
    """The worker delivers the set SKUs; the refused one is retried alone."""
    connect_more(ctx, tiktok, "tts")
    tiktok.refuse_inventory["LAMP-2"] = 1

    def settled() -> bool:
        with ctx.engine.connect() as conn:
            waiting = conn.execute(
                text("select count(*) from outbox where status <> 'delivered'")
            ).scalar()
        return waiting == 0 and len(tiktok.stock) == 3

    run_until(ctx, settled)
    assert settled()
    assert tiktok.refuse_inventory["LAMP-2"] == 0  # it was refused once
    assert _sets(tiktok) == {"MUG-1": 1, "LAMP-2": 1, "HOT-3": 1}
    with ctx.engine.connect() as conn:
        keys = list(conn.execute(text("select key, payload from outbox")))
    (retry,) = [(k, p) for k, p in keys if k.startswith("stock-failed:")]
    assert '"LAMP-2"' in retry[1] and '"MUG-1"' not in retry[1]


def test_a_product_refused_every_time_goes_dead(
    ctx: Context, tiktok: FakeTikTokShop
) -> None:
    """After ``max_attempts`` refusals the SKU's retry row is dead, with why."""
    connect_more(ctx, tiktok, "tts")
    tiktok.refuse_inventory["LAMP-2"] = 1000
    feed.publish_stock(ctx, load_buffer_rules())
    row = None
    while row is None:
        row = sync.claim(ctx, "test", 30.0)
    provider, http = sync.open_provider(ctx, row)
    try:
        for _ in range(20):
            with ctx.engine.begin() as conn:  # due now: no backoff wait here
                conn.execute(update(outbox).values(next_attempt_at=datetime.now(UTC)))
            sync.deliver_outbox(ctx, row, provider, max_attempts=3)
    finally:
        http.close()
    with ctx.engine.connect() as conn:
        rows = list(conn.execute(text("select status, last_error, key from outbox")))
    dead = [(s, e) for s, e, _k in rows if s == "dead"]
    assert len(dead) == 1 and "12019003" in str(dead[0][1])
    assert all(s in ("delivered", "dead") for s, _e, _k in rows)
    assert tiktok.refuse_inventory["LAMP-2"] == 1000 - 3
    assert _sets(tiktok) == {"MUG-1": 1, "HOT-3": 1}


def test_orders_created_while_polled_never_break_the_search(
    tiktok: FakeTikTokShop,
) -> None:
    """Order search while shoppers buy: every order found, no server error."""
    tiktok.stock["MUG-1"] = 10_000
    stop, errors = threading.Event(), []

    def buy() -> None:
        while not stop.is_set():
            tiktok.sell("MUG-1", 1)

    buyer = threading.Thread(target=buy)
    buyer.start()
    try:
        for _ in range(300):
            try:
                tiktok._search({"page_size": "100000"}, {"update_time_ge": 0})
            except KeyError as exc:  # the fake's own bug, before 2026-12-06
                errors.append(exc)
    finally:
        stop.set()
        buyer.join()
    found = tiktok._search({"page_size": "100000"}, {"update_time_ge": 0})
    assert errors == []
    assert len(found["orders"]) == len(tiktok.orders)


def test_a_split_push_sends_scarce_then_longest_waiting_and_keeps_the_rest() -> None:
    """Over the limit: scarce levels, then the oldest changes; the rest waits."""

    def e(sku: str, level: int, at: str, version: int) -> dict[str, object]:
        return {
            "sku": sku,
            "market": "US",
            "level": level,
            "changed_at": f"2026-12-06T09:00:{at}+00:00",
            "version": version,
            "key": f"k{version}",
        }

    entries = [
        e("OLD", 500, "01", 1),
        e("NEW", 500, "05", 2),
        e("HOT", 3, "09", 3),
        e("OLD", 499, "07", 4),  # a newer change of a SKU waiting since :01
        e("MID", 500, "03", 5),
    ]
    latest = {str(x["sku"]): x for x in entries}  # newest per SKU (coalesced)
    batch = StockBatch("tts", [], list(latest.values()), 0, entries=entries)
    defer(batch, 2)
    assert [x["sku"] for x in batch.send] == ["HOT", "OLD"]
    assert [(x["sku"], x["version"]) for x in batch.later] == [("NEW", 2), ("MID", 5)]


def test_ebay_names_the_skus_its_bulk_reply_refused(ctx: Context) -> None:
    """Per-SKU answers (eBay): the refused one is named, the other 29 are set."""
    fake = FakeEbay(seed=6)
    fake.start()
    try:
        connect_more(ctx, fake, "ebay")
        fake.refuse_inventory["S-7"] = 1
        row = None
        while row is None:
            row = sync.claim(ctx, "test", 5.0)
        provider, http = sync.open_provider(ctx, row)
        try:
            with pytest.raises(PushIncomplete) as caught:
                provider.push_stock(
                    [StockPush(f"S-{i}", "US", i, f"k{i}") for i in range(30)]
                )
        finally:
            http.close()
    finally:
        fake.close()
    assert caught.value.failed == {"S-7"}
    assert "25002" in str(caught.value)
    assert {f"S-{i}": i for i in range(30) if i != 7}.items() <= fake.stock.items()
    assert "S-7" not in fake.stock
