"""Waves: orders grouped by carrier cut-off, location-sorted picks, ship confirmation."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.hub.conftest import HUB
from tests.hub.test_bins import BINS
from worldpool.context import Context
from worldpool.errors import UnknownReference
from worldpool.hub import bins_service as bins
from worldpool.hub import waves_service as waves
from worldpool.ledger import Ledger
from worldpool.orders.order import Address, Order, OrderLine
from worldpool.orders.service import submit_order

NOW = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)


def _order(ctx: Context, oid: str, sku: str, qty: int) -> None:
    order = Order(
        channel="amazon",
        channel_order_id=oid,
        ship_to=Address("A", "1 Main St", "Reno", "89501", "US"),
        currency="USD",
        lines=(OrderLine("1", sku, qty, Decimal("9.99")),),
        marketplace="US",
    )
    outcome = submit_order(ctx, order)
    assert outcome.action == "created", outcome


def test_waves_by_cutoff_pick_in_walking_order_and_ship(
    hub: Context, ledger: Ledger
) -> None:
    """Yanwen (16:00) goes first, picks walk aisle 01 before 02, shipping empties bins."""
    bins.import_bins(hub, BINS)
    acme = hub.acting_as(seller="acme", role="operator")
    bins.put_away(acme, bins.PutAway(HUB, "A", "A-02-1-01", 30, "ASN-1", "p1"))
    bins.put_away(acme, bins.PutAway(HUB, "A", "A-01-1-01", 20, "ASN-1", "p2"))
    _order(acme, "O1", "A", 25)
    _order(acme, "O2", "A", 10)
    _order(acme, "O3", "B", 2)
    req = waves.WaveRequest(
        HUB,
        {"amazon:O1": "yanwen", "amazon:O2": "sf"},
        default_carrier="cainiao",
        now=NOW,
    )
    planned = waves.plan_waves(acme, req)
    assert [(w.carrier, w.orders) for w in planned] == [
        ("yanwen", ("amazon:O1",)),
        ("cainiao", ("amazon:O3",)),
        ("sf", ("amazon:O2",)),
    ]
    assert planned[0].cutoff == datetime(2026, 11, 3, 16, 0, tzinfo=UTC)
    assert [(p.bin, p.units) for p in planned[0].picks] == [
        ("A-01-1-01", 20),
        ("A-02-1-01", 5),
    ]
    assert [(p.bin, p.units) for p in planned[1].picks] == [("STAGING", 2)]
    view = Ledger(ledger.engine, ledger.catalog, seller="acme")
    before = {b.sku: b.on_hand for b in view.balances() if b.node == HUB}
    done = waves.confirm_shipped(acme, HUB, planned[0].picks)
    assert done == {"amazon:O1": "shipped"}
    assert waves.confirm_shipped(acme, HUB, planned[0].picks) == done
    after = {b.sku: b.on_hand for b in view.balances() if b.node == HUB}
    assert after["A"] == before["A"] - 25
    assert [(s.bin, s.units) for s in bins.bin_stock(acme, HUB)] == [("A-02-1-01", 25)]
    assert bins.check_bins(acme, HUB) == [] and view.check(all_sellers=True).ok
    with pytest.raises(UnknownReference, match="cut-off"):
        waves.plan_waves(acme, waves.WaveRequest(HUB, {}, now=NOW))
