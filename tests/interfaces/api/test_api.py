from __future__ import annotations

import json
from typing import Any

from tests.interfaces.api.conftest import Server
from tests.orders.conftest import CHANNEL_FILES, FIXTURES, load

ORDER: dict[str, Any] = {
    "channel": "shopify",
    "channel_order_id": "N-1",
    "currency": "USD",
    "ship_to": {
        "name": "A",
        "line1": "1 Main St",
        "city": "Reno",
        "postal_code": "89501",
        "country": "US",
    },
    "lines": [{"line_id": "1", "sku": "MUG-1", "qty": 2, "unit_price": "9.50"}],
}


def test_missing_or_invalid_key_is_401(server: Server) -> None:
    """No key or an unknown key gets 401 on every protected endpoint."""
    with server.client(None) as c:
        assert c.get("/orders").status_code == 401
        assert c.get("/orders", headers={"X-API-Key": "wp_nope"}).status_code == 401
        assert c.get("/health").status_code == 200


def test_wrong_scope_is_403(server: Server) -> None:
    """A read key cannot write, a write key cannot re-drive dead letters."""
    with server.client("read") as c:
        assert c.post("/orders", json=ORDER).status_code == 403
        assert c.get("/orders").status_code == 200
    with server.client("write") as c:
        assert c.post("/dead-letters/1/redrive").status_code == 403


def test_validation_error_names_the_field(server: Server) -> None:
    """A zero quantity and a bad country are 422s whose loc names the field."""
    bad = json.loads(json.dumps(ORDER))
    bad["lines"][0]["qty"] = 0
    with server.client() as c:
        r = c.post("/orders", json=bad)
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"][-1] == "qty"
        bad = {**ORDER, "ship_to": {**ORDER["ship_to"], "country": "XX"}}
        r = c.post("/orders", json=bad)
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"] == ["body", "ship_to", "country"]
        r = c.post(
            "/orders", json={**ORDER, "lines": [{**ORDER["lines"][0], "sku": "NOPE"}]}
        )
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "sku"
        assert c.get("/orders").json() == []


def test_normalised_order_routes_reserves_and_cancels(server: Server) -> None:
    """POST /orders routes with a why, is idempotent, and cancel releases stock."""
    with server.client() as c:
        first = c.post("/orders", json=ORDER).json()
        assert first["action"] == "created"
        assert first["decision"]["assignments"][0]["node"] == "US-FC1"
        assert "US-FC1" in first["decision"]["why"]
        assert c.post("/orders", json=ORDER).json()["action"] == "duplicate"
        res = c.get("/reservations", params={"sku": "MUG-1"}).json()
        assert res == [
            {"reference": "shopify:N-1", "sku": "MUG-1", "node": "US-FC1", "qty": 2}
        ]
        got = c.get("/orders/shopify/N-1").json()
        assert got["status"] == "open" and got["decision"]["why"]
        assert c.post("/orders/shopify/N-1/cancel").json()["status"] == "cancelled"
        assert c.get("/reservations", params={"sku": "MUG-1"}).json() == []
        assert c.get("/orders/shopify/NOPE").status_code == 404


def test_every_channel_imports_over_http(server: Server) -> None:
    """Each channel's documented payload imports through /orders/import/{channel}."""
    with server.client() as c:
        for channel, name in sorted(CHANNEL_FILES.items()):
            body = (FIXTURES / name).read_bytes()
            r = c.post(f"/orders/import/{channel}", content=body)
            assert r.status_code == 200, r.text
            assert r.json()["rejected"] == [], channel
        assert len(c.get("/orders").json()) == 8
        atp = c.get("/atp/US/MUG-1").json()
        assert atp["sources"][0]["node"] == "US-FC1"
        assert c.get("/promise/US/MUG-1").json()["text"].startswith("delivers in")
        assert c.get("/stock/MUG-1").status_code == 200
    assert server.ledger.check().ok


def test_other_channels_payload_and_truncated_csv_are_dead_lettered(
    server: Server,
) -> None:
    """An eBay payload sent as Walmart and a cut CSV row land in dead letters."""
    ebay = (FIXTURES / CHANNEL_FILES["ebay"]).read_bytes()
    csv = load(CHANNEL_FILES["temu"])
    cut = csv[: csv.rindex(",Chris Wu")]
    with server.client() as c:
        r = c.post("/orders/import/walmart", content=ebay)
        assert (
            r.status_code == 200
            and r.json()["rejected"][0]["field"] == "purchaseOrderId"
        )
        r = c.post("/orders/import/temu", content=cut.encode())
        assert r.json()["created"] == 1 and len(r.json()["rejected"]) == 1
        letters = c.get("/dead-letters").json()
        assert len(letters) == 2
        assert c.post("/orders/import/temu", content=b"\xff\xfe").status_code == 422
        assert c.post("/orders/import/shopify", content=b"{not json").status_code == 422


def test_oversized_body_is_413_and_server_keeps_serving(server: Server) -> None:
    """A 10 MB body is refused with 413 and the next request still works."""
    with server.client() as c:
        r = c.post("/orders/import/shopify", content=b"x" * (10 * 1024 * 1024))
        assert r.status_code == 413
        assert c.get("/orders").status_code == 200


def test_openapi_schema_is_served(server: Server) -> None:
    """The OpenAPI schema lists the order import and webhook paths."""
    with server.client(None) as c:
        paths = c.get("/openapi.json").json()["paths"]
    assert "/orders/import/{channel}" in paths and "/webhooks/shopify" in paths


def test_admin_redrives_a_dead_letter(server: Server) -> None:
    """After the SKU is registered, an admin re-drive routes the dead-lettered order."""
    from worldpool.testing import make_sku

    doc = load(CHANNEL_FILES["shopify"])
    doc["line_items"][0]["sku"] = "LATE-1"
    with server.client() as c:
        assert c.post("/orders/import/shopify", json=doc).json()["rejected"]
        (letter,) = c.get("/dead-letters").json()
    server.ledger.register_skus([make_sku("LATE-1")])
    with server.client("admin") as c:
        r = c.post(f"/dead-letters/{letter['id']}/redrive")
        assert r.status_code == 200 and r.json()["action"] == "created"
        assert c.get("/dead-letters").json() == []
        assert (
            c.post("/api-keys", json={"name": "x", "scope": "root"}).status_code == 422
        )


def test_docs_page_loads_nothing_from_the_internet(server: Server) -> None:
    """/docs references only this server's own assets, and they are served."""
    with server.client(None) as c:
        page = c.get("/docs")
        assert page.status_code == 200
        assert "cdn" not in page.text.lower() and "https://" not in page.text
        for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
            r = c.get(f"/api-docs-assets/{asset}")
            assert r.status_code == 200 and len(r.content) > 10_000
