from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from worldpool.interfaces.cli.simulate import simulate

DATA = Path(__file__).parents[1] / "data" / "online_retail_small.csv"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("simulate")(simulate)
    app.command("noop")(lambda: None)
    return app


def test_simulate_prints_the_table_and_writes_json(tmp_path: Path) -> None:
    """The command compares split and pool on a seller CSV and writes JSON."""
    out = tmp_path / "twin.json"
    result = CliRunner().invoke(
        _app(),
        [
            "simulate",
            "--data",
            str(DATA),
            "--policies",
            "split,pool",
            "--currency",
            "GBP",
            "--json",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "equal_fill" in result.output
    assert json.loads(out.read_text())["baseline"] == "split"


@pytest.mark.parametrize("policies", ["split,teleport", "oracle"])
def test_unknown_policies_are_refused(policies: str) -> None:
    """An unknown policy name, or the oracle alone, is a usage error."""
    result = CliRunner().invoke(
        _app(), ["simulate", "--data", str(DATA), "--policies", policies]
    )
    assert result.exit_code == 2
