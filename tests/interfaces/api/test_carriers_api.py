"""Carrier accounts, live rates and labels over the API (fake UPS on loopback)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import context_for
from worldpool.connectors import carrier_service
from worldpool.logistics import service as logistics
from worldpool.logistics.build import ShipmentDraft
from worldpool.testing._fake_carriers import FakeUps

from .conftest import SQLITE_ONLY, Server

pytest.importorskip("karrio")


@pytest.fixture
def ups(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeUps]:
    """A fake UPS API, and the secret key the server seals credentials with."""
    monkeypatch.setenv("WORLDPOOL_SECRET_KEY", "api-test-key")
    fake = FakeUps(seed=8)
    fake.start()
    yield fake
    fake.close()


@SQLITE_ONLY
def test_account_rates_and_label_over_http(ups: FakeUps, server: Server) -> None:
    """Admin adds the account; rates come live; a label is queued then bought."""
    body = {
        "name": "ups-api",
        "carrier": "ups",
        "base_url": ups.url,
        "credentials": FakeUps.CREDENTIALS,
        "settings": {"shipper": {"postal_code": "90001", "address_line1": "1 Dock"}},
    }
    with server.client("read") as reader:
        assert reader.post("/carriers", json=body).status_code == 403
    with server.client("admin") as admin:
        made = admin.post("/carriers", json=body)
    assert made.status_code == 201, made.text
    assert made.json()["credentials"] == {"client_id": "***", "client_secret": "***"}
    assert FakeUps.CREDENTIALS["client_secret"] not in made.text
    ctx = context_for(server.ledger)
    lines = ({"sku": "MUG-1", "qty": 1, "keys": []},)
    draft = ShipmentDraft("order", "API-1", "US-FC1", "US", "parcel", lines, (3, 7))
    sid = logistics.create_shipment(ctx, draft, "0614141")
    to = {"country": "US", "postcode": "10001", "street": "5 Main", "city": "NYC"}
    with server.client("read") as c:
        rates = c.post("/carriers/ups-api/rates", json={"shipment": sid, "to": to})
        listed = c.get("/carriers").json()
    assert rates.status_code == 200, rates.text
    assert "ups_ground" in {r["service"] for r in rates.json()}
    assert [a["name"] for a in listed] == ["ups-api"]
    with server.client("write") as c:
        req = {"shipment": sid, "service": "ups_ground", "to": to}
        queued = c.post("/carriers/ups-api/labels", json=req)
        missing = c.post("/carriers/nope/labels", json=req)
        bad = c.post(
            f"/logistics/shipments/{sid}/booking",
            json={"tracking_number": "1ZX", "order_ref": "shopify:404"},
        )
    assert queued.status_code == 202 and queued.json()["queued"] is True
    assert missing.status_code == 404
    assert bad.status_code == 404  # no such order: nothing booked
    assert carrier_service.run_once(ctx).labels == 1
    assert logistics.shipment_status(ctx, sid).row["booking"] == "confirmed"
