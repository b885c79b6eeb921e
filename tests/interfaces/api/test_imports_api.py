"""GET /imports and /asns/{id}/status over real HTTP."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import context_for
from tests.interfaces.api.conftest import Server
from worldpool import inventory


def test_api_lists_imports_and_asn_status(server: Server, tmp_path: Path) -> None:
    """An ASN received through the service shows in /imports and reads received."""
    asn = tmp_path / "asn.csv"
    asn.write_text("asn_id,sku,node,qty\nA1,MUG-1,CN-SZX,10\nA1,NOPE,CN-SZX,1\n")
    inventory.receive_asn(context_for(server.ledger), asn)
    with server.client("read") as client:
        listed = client.get("/imports").json()
        got = client.get("/asns/A1/status").json()
        none = client.get("/asns/ZZ/status").json()
        bad = client.get("/imports", params={"limit": 0})
    assert [(i["kind"], i["state"], i["posted"], i["rejected"]) for i in listed] == [
        ("asn", "complete", 1, 1)
    ]
    assert got == {"asn_id": "A1", "status": "received"}
    assert none["status"] == "not received"
    assert bad.status_code == 422
