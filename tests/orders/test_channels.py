from __future__ import annotations

import json
from decimal import Decimal

import httpx
import pytest

from tests.orders.conftest import CHANNEL_FILES, load
from worldpool.errors import InputError
from worldpool.orders.channels import Shipment, adapter, adapters
from worldpool.orders.channels.transport import HttpTransport

EXPECTED = {
    "amazon": ("902-3159896-1390916", "US", "USD", [("MUG-1", 2, "12.99")]),
    "shopify": ("820982911946154508", "DE", "EUR", [("MUG-1", 2, "19.99")]),
    "ebay": ("12-34567-89012", "US", "USD", [("MUG-1", 2, "9.99")]),
    "tiktok_shop": ("576461413038785752", "US", "USD", [("MUG-1", 2, "12.99")]),
    "walmart": ("1796277083022", "US", "USD", [("MUG-1", 2, "12.99")]),
    "temu": (
        "PO-211-01234567890123456",
        "US",
        "USD",
        [("LAMP-2", 1, "18.00"), ("MUG-1", 1, "11.50")],
    ),
    "shein": ("GSH2611210001", "FR", "EUR", [("MUG-1", 2, "10.99")]),
}


def test_every_catalog_channel_has_an_adapter() -> None:
    """All seven channels of the catalog are served by one adapter module each."""
    assert set(adapters()) == set(CHANNEL_FILES)


@pytest.mark.parametrize("channel", sorted(CHANNEL_FILES))
def test_documented_payload_parses_to_the_normalised_order(channel: str) -> None:
    """Each provider's documented payload becomes the same normalised order shape."""
    ad = adapter(channel)
    order = ad.parse_order(ad.split(load(CHANNEL_FILES[channel]))[0])
    oid, country, currency, lines = EXPECTED[channel]
    assert (order.channel, order.channel_order_id) == (channel, oid)
    assert (order.ship_to.country, order.currency) == (country, currency)
    got = sorted((ln.sku, ln.qty, ln.unit_price) for ln in order.lines)
    assert got == [(s, q, Decimal(p)) for s, q, p in lines]
    assert not order.cancelled


def test_amazon_search_orders_shape_parses() -> None:
    """The 2026-01-01 searchOrders shape yields the order, its GB address and GBP."""
    ad = adapter("amazon")
    (record,) = ad.split(load("amazon_search_orders.json"))
    order = ad.parse_order(record)
    assert order.channel_order_id == "028-1234567-7654321"
    assert (order.ship_to.country, order.currency) == ("GB", "GBP")
    assert order.lines[0].sku == "LAMP-2"


def test_payload_of_another_channel_is_refused() -> None:
    """An eBay payload sent as Shopify is an InputError naming the missing field."""
    ebay = load("ebay_get_orders.json")["orders"][0]
    with pytest.raises(InputError, match="line_items"):
        adapter("shopify").parse_order(ebay)


def test_currency_mismatch_names_the_field() -> None:
    """A line priced in another currency than the order total is refused."""
    doc = load("amazon_v0_getorders.json")
    doc["payload"]["Orders"][0]["OrderItems"][0]["ItemPrice"]["CurrencyCode"] = "EUR"
    ad = adapter("amazon")
    with pytest.raises(InputError) as err:
        ad.parse_order(ad.split(doc)[0])
    assert err.value.field == "OrderItems[0].ItemPrice.CurrencyCode"


def test_truncated_csv_row_is_refused() -> None:
    """A CSV cut off mid-row yields an order that fails with 'truncated'."""
    text = load("temu_orders.csv")
    cut = text[: text.rindex(",Chris Wu")]
    ad = adapter("temu")
    groups = ad.split(cut)
    assert len(groups) == 2
    ad.parse_order(groups[0])
    with pytest.raises(InputError, match="truncated"):
        ad.parse_order(groups[1])


def test_csv_without_needed_column_is_refused() -> None:
    """An export missing a needed column is refused as a whole, naming it."""
    with pytest.raises(InputError) as err:
        adapter("shein").split("Order Number,Quantity\nX,1\n")
    assert err.value.field is not None


def test_unknown_channel_lists_the_known_ones() -> None:
    """Asking for a channel without an adapter names the known channels."""
    with pytest.raises(InputError, match="shopify"):
        adapter("myspace")


@pytest.mark.parametrize("channel", sorted(CHANNEL_FILES))
def test_fulfilment_goes_through_the_transport(channel: str) -> None:
    """build_fulfilment's request reaches a MockTransport fake of the channel API."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "ok"})

    ad = adapter(channel)
    order = ad.parse_order(ad.split(load(CHANNEL_FILES[channel]))[0])
    req = ad.build_fulfilment(order, Shipment("UPS", "1Z999", 1763812800000))
    with httpx.Client(
        transport=httpx.MockTransport(handler), base_url="https://api.test"
    ) as client:
        reply = HttpTransport(client).send(req)
    assert reply == {"status": "ok"}
    assert seen[0].method == "POST"
    assert "1Z999" in json.dumps(json.loads(seen[0].content))
