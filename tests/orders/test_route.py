from __future__ import annotations

from decimal import Decimal

import pytest

from worldpool.catalog import Catalog
from worldpool.domain.product import BatteryType, SkuRecord
from worldpool.orders import (
    Address,
    Order,
    OrderLine,
    RoutingParams,
    ServiceLevel,
    SourceKind,
    route,
)
from worldpool.testing import make_sku

SKUS: dict[str, SkuRecord] = {
    "MUG-1": make_sku("MUG-1", ffo_markets=("US", "DE")),
    "LAMP-2": make_sku("LAMP-2", unit_weight_kg="1.2"),
    "BATT-3": make_sku("BATT-3", battery=BatteryType.LOOSE, ffo_markets=("US",)),
}


def order(
    *lines: tuple[str, int], country: str = "US", level: str = "standard"
) -> Order:
    return Order(
        channel="shopify",
        channel_order_id="1001",
        ship_to=Address("A", "1 Main St", "Town", "12345", country),
        currency="USD",
        lines=tuple(
            OrderLine(str(i), sku, q, Decimal("10")) for i, (sku, q) in enumerate(lines)
        ),
        service_level=ServiceLevel(level),
    )


def test_local_fc_with_stock_wins(catalog: Catalog) -> None:
    """An order whose local FC holds stock ships from it, and the why says so."""
    d = route(order(("MUG-1", 2)), "US", {("MUG-1", "US-FC1"): 5}, SKUS, catalog)
    assert [a.node for a in d.assignments] == ["US-FC1"]
    assert d.assignments[0].kind is SourceKind.LOCAL_FC
    assert d.why.startswith("US-FC1, P50")


def test_out_of_stock_fc_falls_back_to_origin_with_reason(catalog: Catalog) -> None:
    """With the FC empty, FFO from the hub is chosen and the why names both."""
    d = route(order(("MUG-1", 2)), "US", {("MUG-1", "CN-SZX"): 50}, SKUS, catalog)
    (a,) = d.assignments
    assert (a.node, a.kind, a.lane) == ("CN-SZX", SourceKind.ORIGIN, "CN-SZX>US:parcel")
    assert "US-FC1 out of stock" in d.why
    assert "FFO from CN-SZX" in d.why and "more than US-FC1" in d.why
    assert d.p90_days == 15


def test_same_zone_fc_serves_eu_neighbour(catalog: Catalog) -> None:
    """A French order with no FR stock ships from the German FC (same customs zone)."""
    d = route(
        order(("MUG-1", 1), country="FR"), "FR", {("MUG-1", "DE-FC1"): 3}, SKUS, catalog
    )
    assert d.assignments[0].node == "DE-FC1"
    assert d.assignments[0].kind is SourceKind.ZONE_FC


def test_loose_battery_is_never_fulfilled_from_origin(catalog: Catalog) -> None:
    """A loose lithium battery is backordered rather than sent by FFO parcel."""
    d = route(order(("BATT-3", 1)), "US", {("BATT-3", "CN-SZX"): 50}, SKUS, catalog)
    assert d.backordered == 1
    assert "loose lithium battery" in d.why


def test_ffo_needs_the_listing_flag(catalog: Catalog) -> None:
    """A SKU not cleared for FFO to the market is backordered with that reason."""
    d = route(order(("LAMP-2", 1)), "US", {("LAMP-2", "CN-SZX"): 50}, SKUS, catalog)
    assert d.backordered == 1
    assert "not cleared for fulfil-from-origin" in d.why


def test_expedited_order_excludes_slow_sources(catalog: Catalog) -> None:
    """An expedited order does not take a 9-day FFO parcel: it is backordered."""
    o = order(("MUG-1", 1), level="expedited")
    d = route(o, "US", {("MUG-1", "CN-SZX"): 50}, SKUS, catalog)
    assert d.backordered == 1


@pytest.mark.parametrize("split", [False, True])
def test_split_policy(catalog: Catalog, split: bool) -> None:
    """Two lines held at two nodes split only when the policy allows it."""
    stock = {("MUG-1", "US-FC1"): 5, ("LAMP-2", "CN-SZX"): 9}
    skus = {**SKUS, "LAMP-2": make_sku("LAMP-2", ffo_markets=("US",))}
    o = order(("MUG-1", 1), ("LAMP-2", 1))
    d = route(o, "US", stock, skus, catalog, RoutingParams(split=split))
    nodes = {a.node for a in d.assignments}
    if split:
        assert nodes == {"US-FC1", "CN-SZX"}
        assert "split" in d.why
    else:
        assert nodes == {None}
        assert "splitting is off" in d.why


def test_backorder_when_nothing_anywhere(catalog: Catalog) -> None:
    """With no stock at any node every unit is backordered, with a why."""
    d = route(order(("MUG-1", 3)), "US", {}, SKUS, catalog)
    assert d.backordered == 3
    assert d.why.startswith("Backordered:")
