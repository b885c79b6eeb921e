from __future__ import annotations

from pathlib import Path

import pytest

from worldpool.sim import (
    CompareParams,
    FfoPolicy,
    PoolPolicy,
    Scenario,
    SplitPolicy,
    compare,
)

pytest.importorskip("matplotlib")


def test_report_has_every_section(
    online_retail_small: Scenario, tmp_path: Path
) -> None:
    """The HTML report holds the verdict, the table and the four figures."""
    from worldpool.report.twin_report import write_twin_report

    sc = online_retail_small
    result = compare(
        sc,
        [SplitPolicy(), PoolPolicy(), FfoPolicy()],
        CompareParams(iterations=3, oracle_skus=0),
    )
    page = write_twin_report(result, sc, tmp_path / "twin.html").read_text()
    for section in (
        "What the pool is worth",
        "Policy comparison",
        "Inventory over time by node",
        "Fill rate by market",
        "Cost breakdown",
    ):
        assert section in page
    assert page.count("data:image/png;base64") == 3
