from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from worldpool.catalog import Catalog
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.interfaces.cli.plan import app
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine
from worldpool.testing.worlds import make_sku

runner = CliRunner()


def _world(url: str, catalog: Catalog, tmp_path: Path) -> Path:
    led = Ledger(make_engine(url), catalog)
    led.init()
    led.register_skus([make_sku("MUG-1", ffo_markets=("US", "DE"))])
    led.post(
        Movement(MovementKind.RECEIVE, "MUG-1", "CN-SZX", 800, "ASN", "A-1", "a:1")
    )
    led.close()
    f = tmp_path / "forecast.csv"
    f.write_text(
        "sku,market,horizon_days,q50,q90,q99\n"
        "MUG-1,US,42,120,160,200\n"
        "MUG-1,DE,42,40,70,95\n"
    )
    return f


def test_plan_then_apply_once(
    sqlite_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    """`plan` stores a draft and writes JSON/CSV/HTML; `plan apply` applies it once."""
    demand = _world(sqlite_url, catalog, tmp_path)
    out = tmp_path / "plan.html"
    res = runner.invoke(
        app,
        [
            "--demand",
            str(demand),
            "--db",
            sqlite_url,
            "--html",
            str(out),
            "--csv-dir",
            str(tmp_path / "csv"),
        ],
    )
    assert res.exit_code == 0, res.output
    plan_id = next(w for w in res.output.split() if w.startswith("PLAN-"))
    assert out.read_text().startswith("<!doctype html>")
    assert (tmp_path / "csv" / "markets.csv").read_text().startswith("sku,market")
    first = runner.invoke(app, ["apply", plan_id, "--db", sqlite_url])
    assert first.exit_code == 0 and "transfers posted" in first.output
    again = runner.invoke(app, ["apply", plan_id, "--db", sqlite_url])
    assert again.exit_code == 0 and "nothing written" in again.output


def test_what_if_is_not_stored(
    sqlite_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    """A what-if run reads its TOML, scales demand and stores nothing."""
    demand = _world(sqlite_url, catalog, tmp_path)
    wi = tmp_path / "what_if.toml"
    wi.write_text(
        f'demand = "{demand.name}"\ndemand_scale = 2.0\n'
        "[plan]\nffo_lost_share = 0.05\n[terms]\nbudget = 50.0\n"
    )
    res = runner.invoke(app, ["--what-if", str(wi), "--db", sqlite_url])
    assert res.exit_code == 0, res.output
    assert "what-if: not stored" in res.output


def test_empty_ledger_without_demand_exits_with_input_error(
    sqlite_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    """A ledger that never shipped, and no demand file, exits 2 naming --demand."""
    _world(sqlite_url, catalog, tmp_path)
    res = runner.invoke(app, ["--db", sqlite_url])
    assert res.exit_code == 2 and "--demand" in res.output


def test_plan_without_demand_forecasts_the_ledger(
    sqlite_url: str, catalog: Catalog, tmp_path: Path
) -> None:
    """With shipments in the ledger, `worldpool plan` needs no --demand (as the API)."""
    _world(sqlite_url, catalog, tmp_path)
    led = Ledger(make_engine(sqlite_url), catalog)
    for day in range(1, 29):
        ref = f"ORD-202611{day:02d}-US-MUG-1"
        at = datetime(2026, 11, day, 12, tzinfo=UTC)
        for kind in (MovementKind.RESERVE, MovementKind.SHIP):
            led.post(
                Movement(kind, "MUG-1", "CN-SZX", 3, "s", ref, f"{kind}:{ref}", at=at)
            )
    led.close()
    res = runner.invoke(app, ["--db", sqlite_url])
    assert res.exit_code == 0, res.output
    assert "stored as draft" in res.output


def test_missing_database_is_a_friendly_error(tmp_path: Path) -> None:
    """Pointing at a database that does not exist prints one line, no traceback."""
    res = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert res.exit_code != 0 and "worldpool init" in res.output
    assert "Traceback" not in res.output
