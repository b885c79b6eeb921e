from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from tests.interfaces.api.conftest import SQLITE_ONLY, Server
from worldpool.interfaces.api.schemas import MAX_TWIN_SKUS

pytestmark = SQLITE_ONLY


def _history(skus: int, days: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    start = date(2025, 1, 1)
    return [
        {"date": (start + timedelta(days=d)).isoformat(), "sku": f"S{s}",
         "market": market, "units": int(u)}
        for s in range(skus)
        for market, lam in (("US", 2.0), ("DE", 1.0))
        for d, u in enumerate(rng.poisson(lam, days))
    ]  # fmt: skip


def test_simulate_compares_policies(server: Server) -> None:
    """POST /twin/simulate returns each policy's KPIs, the ratios and the bound."""
    body = {"demand": _history(3, 120), "policies": ["split", "pool", "ffo", "oracle"],
            "warmup_days": 28, "iterations": 3}  # fmt: skip
    with server.client("read") as c:
        r = c.post("/twin/simulate", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["baseline"] == "split" and set(out["runs"]) == {"split", "pool", "ffo"}
    best = out["runs"]["pool"]["best"]["kpis"]
    assert 0.0 <= best["fill_rate"] <= 1.0 and best["demand_units"] > 0
    assert {"cost_ratio", "turnover_ratio"} <= set(out["headline"])
    assert out["oracle"]["skus"] == 3 and out["oracle"]["total_cost"] > 0


def test_simulate_refuses_oversized_or_unusable_requests(server: Server) -> None:
    """Too many SKUs, a short history or unknown policies are 422s naming the field."""
    too_many = [
        {"date": "2025-01-01", "sku": f"S{i}", "market": "US", "units": 1}
        for i in range(MAX_TWIN_SKUS + 1)
    ]
    cases: list[tuple[dict[str, Any], list[Any]]] = [
        ({"demand": too_many}, ["body", "demand"]),
        ({"demand": _history(1, 60)}, ["body", "demand"]),
        ({"demand": _history(1, 130), "policies": ["lifo"]}, ["body", "policies", 0]),
        ({"demand": _history(1, 130), "policies": ["oracle"]}, ["body", "policies"]),
        (
            {"demand": [{**r, "market": "Atlantis"} for r in _history(1, 130)]},
            ["body", "demand"],
        ),
    ]
    with server.client("read") as c:
        for body, loc in cases:
            r = c.post("/twin/simulate", json=body)
            assert r.status_code == 422, r.text
            assert r.json()["detail"][0]["loc"] == loc, r.text
        assert "200 SKUs" in c.post("/twin/simulate", json=cases[0][0]).text
        spec = c.get("/openapi.json").json()
    assert "At most 200 SKUs" in spec["paths"]["/twin/simulate"]["post"]["description"]
