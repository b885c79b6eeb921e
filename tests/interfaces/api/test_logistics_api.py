from __future__ import annotations

import json
from typing import Any

from tests.interfaces.api.conftest import Server


def _epcis(sid: str, step: str, day: int, n: int) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:{sid}-{n}",
        "eventTime": f"2026-11-{day:02d}T08:00:00Z",
        "bizStep": f"urn:epcglobal:cbv:bizstep:{step}",
        "disposition": "urn:epcglobal:cbv:disp:in_transit",
        "readPoint": {"id": "urn:epc:id:sgln:0614141.00001.0"},
        "bizTransactionList": [
            {"type": "urn:epcglobal:cbv:btt:desadv", "bizTransaction": sid}
        ],
    }


def test_quote_lists_services_with_co2e(server: Server) -> None:
    """POST /logistics/quotes ranks services by landed cost with P50/P90 and CO2e."""
    with server.client("read") as c:
        r = c.post(
            "/logistics/quotes",
            json={
                "origin": "CN-SZX",
                "destination": "DE-FC1",
                "pieces": [{"weight_kg": "15", "volume_m3": "0.08"}] * 4,
            },
        )
    assert r.status_code == 200
    body = r.json()
    assert {q["mode"] for q in body} == {"sea", "air", "express"}
    assert [float(q["landed_cost"]) for q in body] == sorted(
        float(q["landed_cost"]) for q in body
    )
    assert all(q["co2e_kg"] > 0 and q["source"] for q in body)


def test_po_to_hub_stock_over_http(server: Server) -> None:
    """PO opened, confirmed, shipped; EPCIS webhook events (repeated); receipt puts stock at the hub."""
    before = {b.sku: b.on_hand for b in server.ledger.balances(node="CN-SZX")}
    with server.client("write") as c:
        po = c.post(
            "/logistics/purchase-orders",
            json={"supplier": "Foshan Lamps", "hub": "CN-SZX", "lines": {"LAMP-2": 30}},
        ).json()
        assert (
            c.post(f"/logistics/purchase-orders/{po['id']}/confirm").json()["status"]
            == "confirmed"
        )
        sid = c.post(f"/logistics/purchase-orders/{po['id']}/shipments").json()[
            "shipment"
        ]
        doc = {
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "epcisBody": {
                "eventList": [
                    _epcis(sid, "receiving", 27, 2),
                    _epcis(sid, "shipping", 25, 1),
                ]
            },
        }
        first = c.post("/logistics/events", content=json.dumps(doc)).json()
        again = c.post("/logistics/events", content=json.dumps(doc)).json()
        assert (first["applied"], again["applied"], again["duplicates"]) == (2, 0, 2)
        assert c.get(f"/logistics/shipments/{sid}").json()["status"] == "delivered"
        pdf = c.get(f"/logistics/shipments/{sid}/labels.pdf")
        assert pdf.headers["content-type"] == "application/pdf"
        got = c.post(
            f"/logistics/shipments/{sid}/receipt", json={"damaged": {"LAMP-2": 1}}
        ).json()
        assert got["received"] == 29 and got["damaged"] == 1
    after = {b.sku: b.on_hand for b in server.ledger.balances(node="CN-SZX")}
    assert after["LAMP-2"] - before["LAMP-2"] == 29
    assert not server.ledger.check().drifts


def test_read_key_cannot_send_events_and_unknown_shipment_is_404(
    server: Server,
) -> None:
    """Events need a write key; an unknown shipment id in the path answers 404."""
    with server.client("read") as c:
        assert c.post("/logistics/events", content="[]").status_code == 403
        assert c.get("/logistics/shipments/SHP-NOPE").status_code == 404
