from __future__ import annotations

from tests.conftest import context_for
from worldpool.demo.orders_day import CHANNEL_MARKETS, orders_day
from worldpool.ledger import Ledger
from worldpool.orders.samples import ADDRESSES


def test_a_day_of_orders_routes_from_every_channel(pool: Ledger) -> None:
    """The demo day sends every channel's payloads through intake and routing."""
    summary = orders_day(context_for(pool), orders=60, seed=3)
    assert summary.orders == 60 and summary.rejected == 0
    assert set(summary.by_channel) == set(CHANNEL_MARKETS)
    assert summary.by_source and all(why for _, why in summary.examples)
    assert pool.check().ok


def test_every_demo_market_has_an_address() -> None:
    """Each market a demo channel sells in has a sample address."""
    assert {m for ms in CHANNEL_MARKETS.values() for m in ms} <= set(ADDRESSES)
