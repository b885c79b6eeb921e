from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from worldpool.catalog import Catalog
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.interfaces.cli import ship
from worldpool.interfaces.cli.app import app
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine
from worldpool.testing.worlds import make_sku

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render tables 200 columns wide so cells are not wrapped."""
    monkeypatch.setattr(ship, "console", Console(width=200, soft_wrap=True))


@pytest.fixture
def db(sqlite_url: str, catalog: Catalog) -> str:
    """A SQLite ledger with one SKU stocked at the hub."""
    with Ledger(make_engine(sqlite_url), catalog) as led:
        led.init()
        led.register_skus([make_sku("MUG-1")])
        led.post(Movement(MovementKind.RECEIVE, "MUG-1", "CN-SZX", 50, "ASN", "A", "a"))
    return sqlite_url


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_quote_table_json_and_chart(db: str, tmp_path: Path) -> None:
    """`ship quote` prints every service and a chart; --json gives the ranked list."""
    chart = tmp_path / "q.svg"
    out = _ok(
        "ship",
        "quote",
        "CN-SZX",
        "US-FC1",
        "--unit",
        "MUG-1=200",
        "--svg",
        str(chart),
        "--db",
        db,
    )
    assert "CN-SZX>US-FC1:air" in out and "kg CO2e" in out
    assert chart.read_text().lstrip().startswith("<?xml") and "lcl" in chart.read_text()
    data = json.loads(
        _ok(
            "ship",
            "quote",
            "CN-SZX",
            "US",
            "--piece",
            "0.5:0.002",
            "--json",
            "--db",
            db,
        )
    )
    assert data[0]["service"].startswith("CN-SZX>US:")


def test_po_events_status_receive_documents(db: str, tmp_path: Path) -> None:
    """A purchase order goes from open to received through the CLI, documents written."""
    po = _ok(
        "ship", "po", "open", "Supplier A", "CN-SZX", "--line", "MUG-1=20", "--db", db
    )
    po_id = po.split(":")[0].strip()
    _ok("ship", "po", "confirm", po_id, "--db", db)
    sid = _ok("ship", "po", "ship", po_id, "--db", db).split()[-1]
    events = tmp_path / "events.csv"
    events.write_text(
        "event_id,shipment,biz_step,event_time,read_point,disposition\n"
        f"x1,{sid},shipping,2026-11-25T08:00:00Z,CNNGB,in_transit\n"
        f"x2,{sid},receiving,2026-11-27T08:00:00Z,CNSZX,in_progress\n"
        f"x1,{sid},shipping,2026-11-25T08:00:00Z,CNNGB,in_transit\n"
    )
    assert "2 new, 1 already known" in _ok("ship", "events", str(events), "--db", db)
    assert "delivered" in _ok("ship", "status", sid, "--db", db)
    _ok("ship", "documents", sid, "--out", str(tmp_path), "--db", db)
    assert (tmp_path / f"{sid}-labels.pdf").read_bytes().startswith(b"%PDF")
    asn = json.loads((tmp_path / f"{sid}-asn.json").read_text())
    assert asn["lines"] == [{"sku": "MUG-1", "qty": 20}]
    out = _ok("ship", "receive", sid, "--short", "MUG-1=2", "--db", db)
    assert "18 units on hand, 2 short" in out
    assert "partially_received" in _ok("ship", "po", "list", "--db", db)


def test_bad_pair_exits_with_input_error(db: str) -> None:
    """A malformed SKU=UNITS pair exits 2 with a message."""
    result = runner.invoke(
        app, ["ship", "receive", "SHP-X", "--short", "MUG-1", "--db", db]
    )
    assert result.exit_code == 2
