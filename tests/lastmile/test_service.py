from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.orders.conftest import stock_pool
from worldpool.catalog.fx import load_fx
from worldpool.config import Settings
from worldpool.context import Context
from worldpool.errors import Forbidden, UnknownReference
from worldpool.lastmile import LastMileParams, read_fleet, read_postcodes
from worldpool.lastmile.service import (
    RouteRequest,
    labels_pdf,
    manifest_pdf,
    plan_routes,
    route_map,
)
from worldpool.ledger import Ledger
from worldpool.orders.order import Address, Order, OrderLine
from worldpool.orders.service import OrderService

FLEET = """van,capacity_kg,capacity_l,shift_start,shift_end,depot_lat,depot_lon,cost_per_km,cost_per_hour
VAN-1,500,2000,08:00,18:00,40.7357,-74.1724,0.40,30
"""
CENTROIDS = """country,postal_code,lat,lon
US,10001,40.7506,-73.9972
US,10013,40.7201,-74.0049
US,07302,40.7178,-74.0431
"""
POSTCODES = ("10001", "10013", "07302", "94105")


def seed_orders(ledger: Ledger, *, stock: bool = True) -> list[str]:
    """Stock the pool and submit four US orders of MUG-1 (routed to US-FC1)."""
    if stock:
        stock_pool(ledger)
    service = OrderService(ledger)
    keys = []
    for i, postcode in enumerate(POSTCODES):
        order = Order(
            channel="shopify",
            channel_order_id=f"{5000 + i}",
            ship_to=Address(f"Buyer {i}", f"{i + 1} Main St", "Town", postcode, "US"),
            currency="USD",
            lines=(OrderLine("1", "MUG-1", i + 1, Decimal("12")),),
        )
        keys.append(service.submit(order).key)
    return keys


def context(ledger: Ledger, role: str = "operator") -> Context:
    """A context over the test ledger."""
    return Context(
        engine=ledger.engine,
        catalog=ledger.catalog,
        fx=load_fx(),
        settings=Settings(),
        seller="default",
        role=role,  # type: ignore[arg-type]
    )


def _request(**kw: object) -> RouteRequest:
    base: dict[str, object] = {
        "node": "US-FC1",
        "date": dt.datetime.now(dt.UTC).date(),
        "fleet": read_fleet(FLEET),
        "postcodes": read_postcodes(CENTROIDS),
        "params": LastMileParams(seconds=0.5),
    }
    return RouteRequest(**{**base, **kw})  # type: ignore[arg-type]


def test_ledger_orders_become_stops_through_postcode_centroids(ledger: Ledger) -> None:
    """Open US-FC1 orders are routed; the one with an unknown postcode is unassigned."""
    keys = seed_orders(ledger)
    result = plan_routes(context(ledger), _request())
    (route,) = result.plan.routes
    assert sorted(v.stop.id for v in route.visits) == sorted(keys[:3])
    (left,) = result.plan.unassigned
    assert (left.stop_id, left.code) == (keys[3], "no_coordinates")
    by_id = {v.stop.id: v.stop for v in route.visits}
    # Two mugs of 0.4 kg and 2 litres each for the second order.
    assert by_id[keys[1]].weight_kg == pytest.approx(0.8)
    assert by_id[keys[1]].volume_l == pytest.approx(4.0)
    assert by_id[keys[0]].name == "Buyer 0" and "1 Main St" in by_id[keys[0]].address
    data = result.to_dict()
    assert data["load_plans"][0]["loading_order"][-1]["seq"] == 1
    assert manifest_pdf(context(ledger), result).startswith(b"%PDF")
    assert labels_pdf(context(ledger), result).startswith(b"%PDF")
    assert "<svg" in route_map(context(ledger), result)


def test_stops_file_rows_replace_the_ledger_for_their_order(ledger: Ledger) -> None:
    """A stops-file row for a ledger order wins (coordinates, window); others are added."""
    keys = seed_orders(ledger)
    rows = (
        {
            "order": keys[3],
            "lat": "40.76",
            "lon": "-73.98",
            "weight_kg": "1",
            "volume_l": "2",
            "window_start": "09:00",
            "window_end": "11:00",
        },
        {
            "order": "walmart:77",
            "lat": "40.73",
            "lon": "-74.00",
            "weight_kg": "2",
            "volume_l": "5",
        },
    )
    result = plan_routes(context(ledger), _request(stop_rows=rows))
    served = {v.stop.id: v for r in result.plan.routes for v in r.visits}
    assert set(served) == {*keys, "walmart:77"}
    assert served[keys[3]].start <= 11 * 3600
    assert not result.plan.unassigned


def test_orders_of_another_day_or_node_are_not_planned(ledger: Ledger) -> None:
    """A day before the orders were stored plans nothing; other nodes see no stops."""
    seed_orders(ledger)
    past = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=3)
    result = plan_routes(context(ledger), _request(date=past))
    assert result.plan.routes == () and result.plan.unassigned == ()
    other = plan_routes(context(ledger), _request(node="CA-FC1"))
    assert other.plan.routes == ()


def test_viewer_may_not_plan_and_unknown_node_is_named(ledger: Ledger) -> None:
    """A viewer is refused; a node not in the catalog raises UnknownReference."""
    with pytest.raises(Forbidden):
        plan_routes(context(ledger, "viewer"), _request())
    with pytest.raises(UnknownReference, match="XX-FC9"):
        plan_routes(context(ledger), _request(node="XX-FC9"))
