from __future__ import annotations

from worldpool.plan import PlanProblem, solve
from worldpool.report.plan_report import plan_html


def test_html_report_has_charts_and_lines(small_world: PlanProblem) -> None:
    """The HTML report embeds two SVG charts and the explained lines."""
    plan = solve(small_world)
    page = plan_html(plan, max_lines=5)
    assert page.startswith("<!doctype html>") and page.count("<svg") == 2
    assert plan.id in page and "why" in page
