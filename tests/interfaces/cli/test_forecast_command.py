"""``worldpool forecast`` (the Typer command) on a history file and on the ledger."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from worldpool.interfaces.cli.forecast import forecast
from worldpool.ledger import Ledger

DATA = Path(__file__).parents[2] / "data" / "online_retail_small.csv"

app = typer.Typer()
app.command("forecast")(forecast)
app.command("noop")(lambda: None)  # a second command keeps "forecast" a subcommand


def test_writes_csv_json_and_plot(tmp_path: Path) -> None:
    """Quantiles go to CSV or JSON and the fan plot to HTML."""
    runner = CliRunner()
    out_csv, out_json, page = (
        tmp_path / "q.csv",
        tmp_path / "q.json",
        tmp_path / "f.html",
    )
    res = runner.invoke(app, ["forecast", "--history", str(DATA), "--horizon", "14",
                              "--out", str(out_csv), "--plot", "21615:UK",
                              "--plot-out", str(page)])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert out_csv.read_text().startswith("sku,market,horizon_start")
    assert "data:image/png" in page.read_text()
    res = runner.invoke(
        app, ["forecast", "--history", str(DATA), "--out", str(out_json)]
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(out_json.read_text())
    assert {"p50", "p99", "model"} <= set(rows[0])


def test_bad_output_suffix_exits_2(tmp_path: Path) -> None:
    """An unknown output format is an input error (exit code 2)."""
    res = CliRunner().invoke(app, ["forecast", "--history", str(DATA),
                                   "--out", str(tmp_path / "q.xlsx")])  # fmt: skip
    assert res.exit_code == 2


def test_empty_ledger_is_an_input_error(tmp_path: Path) -> None:
    """Without --history the ledger is read; a ledger with no ships exits 2."""
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with Ledger.open(url) as led:
        led.init()
    res = CliRunner().invoke(app, ["forecast", "--db", url])
    assert res.exit_code == 2
    assert "no shipped orders" in res.output


def test_backtest_table_per_segment() -> None:
    """--backtest prints the per-segment scores with coverage."""
    res = CliRunner().invoke(
        app, ["forecast", "--history", str(DATA), "--horizon", "14", "--backtest", "2"]
    )
    assert res.exit_code == 0, res.output
    assert "coverage_90" in res.output and "intermittent" in res.output
