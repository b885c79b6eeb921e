from __future__ import annotations

from tests.interfaces.api.conftest import SQLITE_ONLY, Server


@SQLITE_ONLY
def test_assistant_endpoints_rank_store_and_gate_actions(server: Server) -> None:
    """Signals read with a read key; today/actions need write; reprice is refused by policy."""
    with server.client("read") as c:
        r = c.get("/assistant/signals")
        assert r.status_code == 200 and isinstance(r.json(), list)
        assert c.post("/assistant/today").status_code == 403
        assert c.get("/assistant/policy").json()[0]["seller"] == "*"
    with server.client("write") as c:
        r = c.post("/assistant/today")
        assert r.status_code == 200 and "proposals" in r.json()
        r = c.post(
            "/assistant/actions",
            json={
                "kind": "reprice",
                "params": {"sku": "MUG-1", "market": "DE", "price": 9},
            },
        )
        assert r.status_code == 200 and r.json()["status"] == "refused"
        r = c.post(
            "/assistant/actions",
            json={
                "kind": "fix_hs_code",
                "params": {"sku": "MUG-1", "hs_code": "691200"},
            },
        )
        pid = r.json()["proposal_id"]
        assert r.json()["status"] == "pending"
        r = c.post(f"/assistant/proposals/{pid}/reject", json={"note": "not now"})
        assert r.json()["status"] == "rejected"
        assert c.post("/assistant/proposals/999999/approve").status_code == 404
        r = c.get("/assistant/digest")
        assert r.status_code == 200 and r.text.startswith("# worldpool daily digest")
    with server.client(None) as c:
        assert c.get("/assistant/signals").status_code == 401
