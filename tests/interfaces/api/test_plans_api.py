from __future__ import annotations

from dataclasses import fields
from typing import Any

from tests.interfaces.api.conftest import SQLITE_ONLY, Server, ship_history
from worldpool.interfaces.api.schemas import PlanSettingsIn
from worldpool.plan import PlanParams

DEMAND: list[dict[str, Any]] = [
    {"sku": sku, "market": market, "horizon_days": 28, "mean": mean,
     "p50": mean, "p90": mean * 1.5, "p99": mean * 2.2}
    for sku, market, mean in (
        ("MUG-1", "US", 40.0), ("MUG-1", "DE", 30.0), ("LAMP-2", "US", 20.0)
    )
]  # fmt: skip
"""Forecast quantiles over 28 days: enough demand for forward stock."""


def _in_transit(server: Server) -> dict[tuple[str, str], int]:
    return {(b.sku, b.node): b.in_transit for b in server.ledger.balances()}


def test_plan_apply_is_idempotent(server: Server) -> None:
    """Applying a plan posts its transfers once; a second apply writes nothing."""
    with server.client() as c:
        made = c.post("/plans", json={"demand": DEMAND})
        assert made.status_code == 201, made.text
        plan = made.json()
        assert plan["status"] == "draft" and plan["stored"] is True
        lines = plan["plan"]["transfers"]
        assert lines, plan["summary"]
        first = c.post(f"/plans/{plan['id']}/apply").json()
        assert first["posted"] == len(lines) and not first["already_applied"]
        after = _in_transit(server)
        again = c.post(f"/plans/{plan['id']}/apply").json()
        assert again == {
            "plan_id": plan["id"],
            "posted": 0,
            "duplicates": 0,
            "rejected": [],
            "already_applied": True,
        }
        assert _in_transit(server) == after
        assert c.get(f"/plans/{plan['id']}").json()["status"] == "applied"
    assert server.ledger.check().ok


@SQLITE_ONLY
def test_plan_is_readable_and_has_a_report(server: Server) -> None:
    """GET /plans/{id} gives the plain-data form; /report is HTML; unknown ids 404."""
    with server.client() as c:
        plan = c.post("/plans", json={"demand": DEMAND, "seed": 3}).json()
    with server.client("read") as c:
        got = c.get(f"/plans/{plan['id']}").json()
        assert got["id"] == plan["id"] and got["status"] == "draft"
        assert got["transfers"][0]["why"] and got["markets"]
        html = c.get(f"/plans/{plan['id']}/report")
        assert html.status_code == 200
        assert html.headers["content-type"].startswith("text/html")
        assert plan["id"] in html.text and "<svg" in html.text
        assert c.get("/plans/PLAN-000000000000").status_code == 404
        assert c.get("/plans/PLAN-000000000000/report").status_code == 404
        assert c.post(f"/plans/{plan['id']}/apply").status_code == 403


@SQLITE_ONLY
def test_what_if_is_not_stored_and_bad_settings_name_the_field(server: Server) -> None:
    """A what-if is returned, not stored; bad settings are 422s naming the field."""
    with server.client() as c:
        wi = c.post("/plans", json={"demand": DEMAND, "what_if": True,
                                    "demand_scale": 2.0, "limit": 1})  # fmt: skip
        assert wi.status_code == 201 and wi.json()["status"] == "what-if"
        assert len(wi.json()["plan"]["transfers"]) <= 1
        assert c.get(f"/plans/{wi.json()['id']}").status_code == 404
        cases = [
            ({"demand": DEMAND, "plan": {"review_days": 0}}, "review_days"),
            ({"demand": DEMAND, "plan": {"review_days": "weekly"}}, "review_days"),
            ({"demand": DEMAND, "plan": {"nope": 1}}, "nope"),
            ({"demand": DEMAND, "terms": {"budget": -1}}, "budget"),
            ({"demand": DEMAND, "terms": {"colour": "red"}}, "colour"),
            ({"demand": [{"sku": "MUG-1", "market": "US"}]}, "horizon_days"),
            ({"demand": DEMAND, "horizon_days": 0}, "horizon_days"),
            ({"demand": DEMAND, "hub": "US-FC1"}, "hub"),
            ({"demand": [{**DEMAND[0], "p50": "lots"}]}, "demand"),
            ({}, "demand"),
        ]
        for body, field in cases:
            r = c.post("/plans", json=body)
            assert r.status_code == 422, (body, r.text)
            assert r.json()["detail"][0]["loc"][-1] == field, r.text
        r = c.post("/plans", json={"demand": DEMAND, "plan": {"max_service": 2}})
        assert r.json()["detail"][0]["loc"] == ["body", "plan", "max_service"]


def test_plan_settings_mirror_plan_params() -> None:
    """The API's plan settings are exactly the fields of PlanParams."""
    assert set(PlanSettingsIn.model_fields) == {f.name for f in fields(PlanParams)}


@SQLITE_ONLY
def test_plan_from_the_ledgers_own_forecast(server: Server) -> None:
    """Without demand rows, POST /plans forecasts the ledger's shipped orders."""
    ship_history(server.ledger)
    with server.client() as c:
        r = c.post("/plans", json={"horizon_days": 21})
        assert r.status_code == 201, r.text
        markets = {(m["sku"], m["market"]) for m in r.json()["plan"]["markets"]}
        assert ("MUG-1", "DE") in markets
