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
        none = client.get("/asns/ZZ/status")
        bad = client.get("/imports", params={"limit": 0})
    assert [(i["kind"], i["state"], i["posted"], i["rejected"]) for i in listed] == [
        ("asn", "complete", 1, 1)
    ]
    assert got == {"asn_id": "A1", "status": "received"}
    assert none.status_code == 404
    assert bad.status_code == 422


def test_an_unexpected_error_answers_an_error_id_not_a_trace() -> None:
    """A bug inside a route answers 500 with a short message and an id, no trace."""
    import threading
    import time

    import httpx
    import uvicorn
    from fastapi import FastAPI

    from tests.interfaces.api.conftest import free_port
    from worldpool.interfaces.api.errors import install_error_handlers

    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.02)
    try:
        got = httpx.get(f"http://127.0.0.1:{port}/boom", timeout=30)
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
    body = got.json()
    assert got.status_code == 500 and body["type"] == "InternalError"
    assert len(body["error_id"]) == 10 and body["error_id"] in body["detail"]
    assert "secret internal detail" not in got.text and "Traceback" not in got.text


def test_nul_characters_are_refused_with_422_everywhere(server: Server) -> None:
    """A NUL in a path, a query or a JSON string answers 422, never a 500."""
    with server.client("admin") as client:
        in_path = client.get("/stock/MUG%001")
        in_query = client.get("/imports", params={"limit": "1\x00"})
        in_body = client.post(
            "/hub/bin-moves",
            content=b'{"sku": "MUG\\u0000-1", "from_bin": "A", "to_bin": "B", "qty": 1}',
            headers={"content-type": "application/json"},
        )
    for got, where in ((in_path, "path"), (in_query, "query"), (in_body, "body")):
        assert got.status_code == 422, (where, got.text)
        assert got.json()["detail"][0]["loc"] == [where]
