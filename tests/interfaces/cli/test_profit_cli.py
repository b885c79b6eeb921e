from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from worldpool.interfaces.cli import app

runner = CliRunner()

SKUS = (
    "sku,title,unit_cost,currency,unit_weight_kg,unit_volume_m3,hs_code,category,"
    "listed_markets,ffo_markets\n"
    "LAMP-1,LED desk lamp,6.50,USD,0.8,0.004,940520,home,US,\n"
    "LAMP-2,LED floor lamp,15,USD,2,0.02,940520,home,*,\n"
)


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def world(tmp_path: Path, sqlite_url: str) -> str:
    """A SQLite database with two lamps and a sales file."""
    (tmp_path / "skus.csv").write_text(SKUS)
    lines = ["sku,market,date,units,price,currency"]
    for day in range(1, 29):
        price, units = (("24.99", 30), ("29.99", 20), ("34.99", 14))[day % 3]
        lines.append(f"LAMP-1,US,2026-09-{day:02d},{units},{price},USD")
        lines.append(f"LAMP-2,JP,2026-09-{day:02d},2,7980,JPY")
    (tmp_path / "sales.csv").write_text("\n".join(lines) + "\n")
    assert cli("init", "--db", sqlite_url)[0] == 0
    _, out = cli("sku", "import", str(tmp_path / "skus.csv"), "--db", sqlite_url)
    assert "2 new" in out, out
    return sqlite_url


def test_profit_prints_explained_lines(world: str) -> None:
    """`worldpool profit SKU --to DE` prints every line with its reason."""
    code, out = cli(
        "profit", "LAMP-1", "--to", "DE", "--mode", "local_fc", "--db", world
    )
    assert code == 0, out
    for name in (
        "VAT/GST",
        "referral fee",
        "fulfilment fee",
        "landed cost",
        "contribution",
    ):
        assert name in out


def test_price_json_reports_the_fit(world: str, tmp_path: Path) -> None:
    """`worldpool price` with a sales file fits the elasticity and prints JSON."""
    code, out = cli(
        "price",
        "LAMP-1",
        "--to",
        "US",
        "--band",
        "20:40",
        "--history",
        str(tmp_path / "sales.csv"),
        "--json",
        "--db",
        world,
    )
    assert code == 0, out
    advice = json.loads(out)["advice"]
    assert advice["elasticity"]["points"] == 28
    assert 20 <= advice["price"] <= 40


def test_markets_and_expand_apply(world: str, tmp_path: Path) -> None:
    """`markets` ranks all; `expand --apply` writes once, then nothing."""
    sales = str(tmp_path / "sales.csv")
    code, out = cli("markets", "LAMP-1", "--history", sales, "--db", world)
    assert code == 0 and "1. US" in out, out
    code, out = cli("expand", "LAMP-1", "--to", "JP,AU", "--apply", "--db", world)
    assert code == 0 and "applied: 2 launch rows written" in out, out
    code, out = cli("expand", "LAMP-1", "--to", "JP,AU", "--apply", "--db", world)
    assert "applied: 0 launch rows written" in out


def test_reprice_and_bad_input(world: str) -> None:
    """`reprice --since` lists changed rows; an unknown SKU exits 2."""
    code, out = cli("reprice", "--since", "2025-12-01", "--db", world)
    assert code == 0 and "us-ieepa-fentanyl-cn" in out and "LAMP-1" in out, out
    code, out = cli("profit", "NOPE", "--db", world)
    assert code == 2 and "NOPE" in out


def test_markets_html_report_and_bad_options(world: str, tmp_path: Path) -> None:
    """`markets --html` writes a report; a bad --mode or --since exits 2."""
    report = tmp_path / "markets.html"
    code, out = cli("markets", "LAMP-2", "--html", str(report), "--db", world)
    assert code == 0, out
    page = report.read_text()
    assert "Best markets for LAMP-2" in page and "data:image/png;base64" in page
    assert cli("price", "LAMP-1", "--to", "US", "--mode", "boat", "--db", world)[0] == 2
    assert cli("reprice", "--since", "soon", "--db", world)[0] == 2
