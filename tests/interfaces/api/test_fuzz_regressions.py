"""Defects found by fuzzing the API against its OpenAPI schema (tools/fuzz_api.py).

Each test replays, on a real loopback server, an input schemathesis found that
answered 500, an undocumented status, or a body its schema does not describe.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.interfaces.api.conftest import SQLITE_ONLY, Server
from tests.interfaces.api.test_api import ORDER
from tests.interfaces.api.test_plans_api import DEMAND

JSON = {"content-type": "application/json"}
HUGE = "-350575034676050837365831237632"
"""An integer no database column holds (SQLite raised OverflowError: 500)."""


def _loc(r: httpx.Response) -> list[Any]:
    assert r.status_code == 422, r.text
    loc: list[Any] = r.json()["detail"][0]["loc"]
    return loc


def test_list_limits_out_of_range_are_422(server: Server) -> None:
    """``limit`` below 1 (or beyond any integer column) is a 422, not a 500."""
    with server.client() as c:
        assert _loc(c.get("/orders", params={"limit": HUGE})) == ["query", "limit"]
        assert _loc(c.get("/orders", params={"limit": -1})) == ["query", "limit"]
        assert _loc(c.get("/dead-letters", params={"limit": 0})) == ["query", "limit"]
        assert c.get("/orders", params={"limit": 10**30}).status_code == 200
        assert c.get("/dead-letters", params={"limit": 5000}).status_code == 200


def test_redrive_letter_id_is_checked(server: Server) -> None:
    """An id beyond any row is a 422 on the path; an absent letter is a 404."""
    with server.client("admin") as c:
        r = c.post(f"/dead-letters/{HUGE[1:]}/redrive")
        assert _loc(r) == ["path", "letter_id"]
        r = c.post("/dead-letters/12345/redrive")
        assert r.status_code == 404 and "dead letter" in r.json()["detail"]


def test_absent_path_resources_are_404_with_a_message(server: Server) -> None:
    """An unknown order or SKU named by the path is a 404 whose detail is text."""
    with server.client() as c:
        for r in (
            c.get("/orders/shopify/NOPE"),
            c.post("/orders/shopify/NOPE/cancel"),
            c.post("/orders/shopify/NOPE/ship"),
            c.get("/stock/NOPE"),
            c.get("/atp/US/NOPE"),
            c.get("/promise/US/NOPE"),
        ):
            assert r.status_code == 404, (r.request.url, r.text)
            body = r.json()
            assert isinstance(body["detail"], str), body


def test_body_that_is_not_utf8_is_422(server: Server) -> None:
    """Undecodable JSON bodies were FastAPI's undocumented 400."""
    with server.client("admin") as c:
        for path in ("/twin/simulate", "/orders", "/plans", "/api-keys"):
            r = c.post(path, content=b"\x80\x81", headers=JSON)
            assert _loc(r) == ["body"], path


@SQLITE_ONLY
def test_nan_literals_are_422_not_500(server: Server) -> None:
    """``NaN``/``Infinity`` literals (Python's JSON reader takes them) are 422.

    The 422 echoed the input, and JSON has no NaN: the reply itself was a 500.
    """
    order = json.dumps(ORDER).replace('"qty": 2', '"qty": NaN')
    with server.client("admin") as c:
        assert _loc(c.post("/orders", content=order, headers=JSON))[-1] == "qty"
        r = c.post("/plans", content='{"demand_scale": NaN}', headers=JSON)
        assert _loc(r) == ["body", "demand_scale"]
        assert r.json()["detail"][0]["input"] == "nan"
        r = c.post(
            "/plans", content='{"terms": {"margin": {"MUG-1": Infinity}}}', headers=JSON
        )
        assert _loc(r) == ["body", "terms", "margin", "MUG-1"]


@SQLITE_ONLY
def test_plan_settings_null_keeps_the_default(server: Server) -> None:
    """``"review_days": null`` reached ``PlanParams`` as None: a 500."""
    settings = {"review_days": None, "max_service": None, "lp": None}
    with server.client() as c:
        r = c.post("/plans", json={"demand": DEMAND, "plan": settings, "what_if": True})
        assert r.status_code == 201, r.text


@SQLITE_ONLY
def test_plan_inputs_that_overflowed_are_422(server: Server) -> None:
    """Far dates, lead times and demand overflowed dates or floats: 500s."""
    demand = [
        {"sku": "MUG-1", "market": "US", "horizon_days": 28, "p50": 1e308,
         "p90": 1e308, "p99": 1e308}
    ]  # fmt: skip
    cases: list[tuple[dict[str, Any], list[Any]]] = [
        ({"as_of": "9999-12-31"}, ["body", "as_of"]),
        ({"terms": {"default_lead_days": 1e7}}, ["body", "terms", "default_lead_days"]),
        (
            {"terms": {"supplier_lead_days": {"MUG-1": 1e300}}},
            ["body", "terms", "supplier_lead_days", "MUG-1"],
        ),
        (
            {"terms": {"case_pack": {"MUG-1": 0}}},
            ["body", "terms", "case_pack", "MUG-1"],
        ),
        ({"terms": {"margin_rate": 1e308}}, ["body", "terms", "margin_rate"]),
        ({"demand": demand}, ["body", "demand"]),
    ]
    with server.client() as c:
        for body, loc in cases:
            assert _loc(c.post("/plans", json={**body, "what_if": True})) == loc


@SQLITE_ONLY
def test_error_statuses_are_documented(server: Server) -> None:
    """Every keyed route documents 401/403, path lookups 404, as JSON bodies."""
    with httpx.Client(base_url=server.url) as c:
        spec = c.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            where = f"{method.upper()} {path}"
            if path == "/webhooks/shopify":
                assert {"401", "404"} <= codes, where
            elif path != "/health":
                assert {"401", "403"} <= codes, where
                for code in ("401", "403"):
                    assert set(op["responses"][code]["content"]) == {
                        "application/json"
                    }, where
            if "{" in path and path != "/orders/import/{channel}":
                assert "404" in codes, where
