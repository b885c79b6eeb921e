from __future__ import annotations

from tests.interfaces.api.conftest import SHIPPED, SQLITE_ONLY, Server, ship_history


@SQLITE_ONLY
def test_forecasts_give_quantiles_per_shipped_series(server: Server) -> None:
    """GET /forecasts returns ordered P50-P99 per shipped (SKU, market), filterable."""
    ship_history(server.ledger)
    with server.client("read") as c:
        r = c.get("/forecasts", params={"horizon_days": 14, "lead_days": 7})
        assert r.status_code == 200, r.text
        rows = r.json()
        # MUG-1 also has a US series: its stocked FC there counts (zero sales).
        got = {(x["sku"], x["market"]): x for x in rows}
        assert set(SHIPPED) <= set(got)
        q = got["MUG-1", "DE"]["quantiles"]
        assert list(q) == ["p50", "p80", "p90", "p95", "p99"]
        assert q["p50"] <= q["p90"] <= q["p99"] and q["p99"] > 0
        assert {(x["horizon_days"], x["lead_days"]) for x in rows} == {(14, 7)}
        one = c.get("/forecasts", params={"sku": "MUG-1", "market": "de"}).json()
        assert [(x["sku"], x["market"]) for x in one] == [("MUG-1", "DE")]
        assert one[0]["why"] and one[0]["model"]


@SQLITE_ONLY
def test_forecasts_without_shipments_or_with_bad_params(server: Server) -> None:
    """No shipments give []; a zero horizon is a 422 naming it; no key is 401."""
    with server.client("read") as c:
        assert c.get("/forecasts").json() == []
        r = c.get("/forecasts", params={"horizon_days": 0})
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"] == ["query", "horizon_days"]
    with server.client(None) as c:
        assert c.get("/forecasts").status_code == 401
