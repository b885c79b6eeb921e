from __future__ import annotations

import copy

import pytest

from tests.orders.conftest import CHANNEL_FILES, load
from worldpool.errors import InputError
from worldpool.ledger import Ledger
from worldpool.orders import OrderLocked
from worldpool.orders.channels import adapter
from worldpool.orders.service import OrderService
from worldpool.testing import make_sku


def available(ledger: Ledger, sku: str, node: str) -> int:
    rows = ledger.balances(sku=sku, node=node)
    return rows[0].available if rows else 0


def test_all_seven_channels_import_route_and_reserve(pool: Ledger) -> None:
    """Orders from all seven channels import, route with a why and reserve stock."""
    svc = OrderService(pool)
    for channel, name in sorted(CHANNEL_FILES.items()):
        report = svc.import_document(channel, load(name), name)
        assert report.rejected == (), channel
        for o in report.outcomes:
            assert o.action == "created"
            assert o.decision and o.decision["why"]
    assert len(svc.list_orders()) == 8
    assert pool.check().ok


def test_same_order_twice_changes_nothing(pool: Ledger) -> None:
    """Delivering the same (channel, order id) twice is a no-op the second time."""
    svc = OrderService(pool)
    doc = load(CHANNEL_FILES["shopify"])
    first = svc.import_document("shopify", doc, "hook")
    before = pool.balances(sku="MUG-1")
    again = svc.import_document("shopify", doc, "hook")
    assert first.count("created") == 1 and again.count("duplicate") == 1
    assert pool.balances(sku="MUG-1") == before


def test_edit_before_shipment_rereserves(pool: Ledger) -> None:
    """An edited order releases its old reservation and reserves the new quantity."""
    svc = OrderService(pool)
    doc = load(CHANNEL_FILES["shopify"])
    svc.import_document("shopify", doc, "hook")
    assert available(pool, "MUG-1", "DE-FC1") == 3
    edited = copy.deepcopy(doc)
    edited["line_items"][0]["quantity"] = 4
    report = svc.import_document("shopify", edited, "hook")
    assert report.count("updated") == 1
    assert available(pool, "MUG-1", "DE-FC1") == 1
    assert svc.get("shopify", "820982911946154508").revision == 2


def test_cancellation_releases_and_edit_after_shipment_is_refused(pool: Ledger) -> None:
    """Cancel releases every unit; a shipped order refuses edits."""
    svc = OrderService(pool)
    doc = load(CHANNEL_FILES["ebay"])
    svc.import_document("ebay", doc, "api")
    assert available(pool, "MUG-1", "US-FC1") == 8
    svc.cancel("ebay", "12-34567-89012")
    assert available(pool, "MUG-1", "US-FC1") == 10
    wal = load(CHANNEL_FILES["walmart"])
    svc.import_document("walmart", wal, "api")
    svc.ship("walmart", "1796277083022")
    wal["list"]["elements"]["order"][0]["orderLines"]["orderLine"][0][
        "orderLineQuantity"
    ]["amount"] = "3"
    with pytest.raises(OrderLocked):
        svc.submit(adapter("walmart").parse_order(adapter("walmart").split(wal)[0]))
    assert pool.check().ok


def test_bad_records_go_to_dead_letters_and_redrive(pool: Ledger) -> None:
    """A batch keeps good orders, dead-letters bad ones with the field, re-drives them."""
    svc = OrderService(pool)
    text = load(CHANNEL_FILES["temu"]).replace("LAMP-2", "NOPE-9")
    report = svc.import_document("temu", text, "temu.csv")
    assert report.count("created") == 1
    assert len(report.rejected) == 1 and report.rejected[0][2] == "lines[1].sku"
    (letter,) = svc.dead_letters()
    assert "NOPE-9" in letter.letter.error
    with pytest.raises(InputError):
        svc.redrive(letter.id)
    assert len(svc.dead_letters()) == 1
    pool.register_skus([make_sku("NOPE-9")])
    outcome = svc.redrive(letter.id)
    assert outcome.action == "created"
    assert svc.dead_letters() == []


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda o: o["shipping_address"].update(country_code="XX"), "ship_to.country"),
        (lambda o: o["line_items"][0].update(quantity=0), "lines[0].qty"),
        (lambda o: o["shipping_address"].update(address1=""), "ship_to.line1"),
        (lambda o: o.update(currency="euro"), "currency"),
    ],
)
def test_bad_input_is_named(pool: Ledger, mutate, field: str) -> None:  # type: ignore[no-untyped-def]
    """Unknown country, zero quantity, missing address, bad currency name the field."""
    doc = load(CHANNEL_FILES["shopify"])
    mutate(doc)
    report = OrderService(pool).import_document("shopify", doc, "hook")
    assert report.rejected[0][2] == field
    assert OrderService(pool).list_orders() == []


def test_promise_reads_like_a_checkout(pool: Ledger) -> None:
    """A SKU in the US FC promises days from the FC, not the 9-day parcel."""
    p = OrderService(pool).promise("MUG-1", "US")
    assert p.node == "US-FC1"
    assert p.text == "delivers in 3-5 days"


def test_channel_reported_shipment_ships_the_reservation(pool: Ledger) -> None:
    """When the channel reports the order fulfilled, its reserved units ship."""
    svc = OrderService(pool)
    doc = load(CHANNEL_FILES["shopify"])
    svc.import_document("shopify", doc, "hook")
    doc["fulfillment_status"] = "fulfilled"
    report = svc.import_document("shopify", doc, "hook")
    assert report.count("shipped") == 1
    (bal,) = pool.balances(sku="MUG-1", node="DE-FC1")
    assert (bal.on_hand, bal.reserved) == (3, 0)
    assert svc.get("shopify", "820982911946154508").status == "shipped"
    assert pool.check().ok


@pytest.mark.postgres
def test_order_survives_dropped_connection(pool: Ledger) -> None:
    """An order arriving after the server dropped the pooled connection still lands once."""
    from sqlalchemy import create_engine, text

    if pool.engine.dialect.name != "postgresql":
        pytest.skip("connection drops are a server matter; SQLite has no server")
    with pool.engine.connect() as conn:
        pid = conn.exec_driver_sql("select pg_backend_pid()").scalar()
    admin = create_engine(pool.engine.url)
    with admin.begin() as conn:
        conn.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    svc = OrderService(pool)
    report = svc.import_document("shopify", load(CHANNEL_FILES["shopify"]), "hook")
    assert report.count("created") == 1
    assert pool.check().ok


def test_order_for_an_unlisted_market_is_refused(pool: Ledger) -> None:
    """A SKU listed only in US/UK is refused (named) in DE, not taken as a backorder."""
    pool.register_skus(
        [make_sku("PB-10", title="Phone case", listed_markets=("US", "UK"))]
    )
    doc = load(CHANNEL_FILES["shopify"])
    doc["line_items"][0]["sku"] = "PB-10"
    doc["shipping_address"].update(country_code="DE")
    doc["currency"] = "EUR"
    report = OrderService(pool).import_document("shopify", doc, "hook")
    (rejected,) = report.rejected
    assert (
        rejected[2] == "lines[0].sku" and "not listed in marketplace DE" in rejected[1]
    )
    assert OrderService(pool).list_orders() == []
