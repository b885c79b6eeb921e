from __future__ import annotations

import copy

from tests.interfaces.api.conftest import Server
from tests.interfaces.api.test_api import ORDER


def test_unit_economics_per_market_and_mode(server: Server) -> None:
    """GET /profit/skus/{sku} returns explained lines per market and mode."""
    with server.client("read") as c:
        r = c.get("/profit/skus/MUG-1", params={"to": "US,DE"})
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert {(x["market"], x["mode"]) for x in rows} >= {
        ("US", "local_fc"),
        ("DE", "origin"),
    }
    assert all(line["why"] for x in rows for line in x["lines"])
    assert rows[0]["advice"]["elasticity"]["source"]


def test_orders_feed_the_price_advice(server: Server) -> None:
    """Order lines are the sales history: they anchor the demand the price uses."""
    with server.client("write") as c:
        for k, (price, qty) in enumerate([("8.00", 9), ("9.50", 6), ("11.00", 4)] * 2):
            order = copy.deepcopy(ORDER)
            order["channel_order_id"] = f"P-{k}"
            order["lines"][0] |= {"unit_price": price, "qty": qty}
            assert c.post("/orders", json=order).status_code in (200, 201)
        r = c.get("/profit/skus/MUG-1/price", params={"market": "US", "ceiling": 50})
        cold = c.get("/profit/skus/LAMP-2/price", params={"market": "US"})
    assert r.status_code == 200, r.text
    advice = r.json()["advice"]
    assert advice["currency"] == "USD" and 0 < advice["price"] <= 50
    # 38 units sold anchor MUG-1's demand; LAMP-2 has no orders (1 a month).
    assert advice["units_per_month"] > 3 > cold.json()["advice"]["units_per_month"]


def test_best_markets_ranks_every_marketplace(server: Server) -> None:
    """GET /profit/skus/{sku}/markets ranks all marketplaces with reasons."""
    with server.client("read") as c:
        r = c.get("/profit/skus/LAMP-2/markets")
    assert r.status_code == 200, r.text
    markets = r.json()["markets"]
    assert len(markets) == len(server.ledger.catalog.marketplaces)
    assert all(m["why"] for m in markets)


def test_expand_apply_needs_a_write_key(server: Server) -> None:
    """Planning works with a read key; applying needs write and writes once."""
    body = {"markets": ["JP", "AU"], "apply": True}
    with server.client("read") as c:
        assert (
            c.post("/profit/skus/MUG-1/expand", json={"markets": ["JP"]}).status_code
            == 200
        )
        assert c.post("/profit/skus/MUG-1/expand", json=body).status_code == 403
    with server.client("write") as c:
        first = c.post("/profit/skus/MUG-1/expand", json=body)
        again = c.post("/profit/skus/MUG-1/expand", json=body)
    assert first.status_code == 200, first.text
    assert first.json()["written"] == 2 and again.json()["written"] == 0
    plan = first.json()["markets"][0]
    assert plan["checklist"] and plan["logistics"] and plan["plan"]["strategy"]


def test_unknown_sku_is_404_and_bad_market_422(server: Server) -> None:
    """An unknown SKU in the path is 404; an unknown market in the query is 422."""
    with server.client("read") as c:
        assert c.get("/profit/skus/NOPE").status_code == 404
        assert c.get("/profit/skus/MUG-1", params={"to": "ZZ"}).status_code == 422
        assert (
            c.post("/profit/skus/MUG-1/expand", json={"markets": []}).status_code == 422
        )


def test_reprice_since_a_day(server: Server) -> None:
    """GET /profit/reprice lists the rows that took effect and the SKUs they move."""
    with server.client("read") as c:
        r = c.get("/profit/reprice", params={"since": "2025-12-01"})
        bad = c.get("/profit/reprice", params={"since": "yesterday"})
    assert r.status_code == 200, r.text
    assert any(x["id"] == "us-ieepa-fentanyl-cn" for x in r.json()["changed"])
    assert bad.status_code == 422
