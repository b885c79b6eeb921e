from __future__ import annotations

import json
from pathlib import Path

from worldpool.config import Settings
from worldpool.context import open_context
from worldpool.demo import build_demo
from worldpool.demo.plan_step import plan_demo
from worldpool.ledger import Ledger
from worldpool.plan.service import apply_plan


def test_demo_forecasts_plans_and_applies(tmp_path: Path) -> None:
    """The demo world gets a stored plan with transfers and orders that applies cleanly."""
    summary = build_demo(tmp_path / "demo")
    step = plan_demo(summary.directory)
    plan = step.plan
    assert len(plan.transfers["qty"]) > 0 and len(plan.orders["qty"]) > 0
    assert json.loads(step.json_path.read_text())["id"] == plan.id
    ctx = open_context(Settings(database_url=step.database_url))
    result = apply_plan(ctx, plan.id)
    ctx.close()
    assert result.posted == len(plan.transfers["qty"])
    with Ledger.open(step.database_url) as ledger:
        assert not ledger.check().drifts
