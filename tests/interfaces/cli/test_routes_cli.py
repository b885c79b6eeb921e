from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pypdfium2 as pdfium
from typer.testing import CliRunner

from tests.lastmile.test_service import CENTROIDS, FLEET, seed_orders
from worldpool.interfaces.cli.app import app
from worldpool.ledger import Ledger

runner = CliRunner()


def _files(tmp_path: Path) -> tuple[Path, Path]:
    fleet, cents = tmp_path / "fleet.csv", tmp_path / "postcodes.csv"
    fleet.write_text(FLEET)
    cents.write_text(CENTROIDS)
    return fleet, cents


def test_routes_command_writes_plan_map_manifests_and_labels(
    ledger: Ledger, tmp_path: Path
) -> None:
    """`worldpool routes` plans the ledger's orders and writes JSON, HTML and PDFs."""
    keys = seed_orders(ledger)
    fleet, cents = _files(tmp_path)
    out = tmp_path / "out"
    db = ledger.engine.url.render_as_string(hide_password=False)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    result = runner.invoke(
        app,
        [
            "routes",
            "--node",
            "US-FC1",
            "--date",
            today,
            "--fleet",
            str(fleet),
            "--postcodes",
            str(cents),
            "--seconds",
            "0.5",
            "--db",
            db,
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "3 stops on 1 vans" in result.output and "1 stops unassigned" in result.output
    )
    plan = json.loads((out / "routes.json").read_text())
    assert plan["seconds"] == 0.5  # the option wins over the [lastmile] table
    assert {s["stop"] for s in plan["routes"][0]["stops"]} == set(keys[:3])
    assert plan["unassigned"][0]["code"] == "no_coordinates"
    assert "<svg" in (out / "routes.html").read_text()
    doc = pdfium.PdfDocument((out / "manifests.pdf").read_bytes())
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    assert "VAN-1" in text and keys[0] in text
    labels = pdfium.PdfDocument((out / "labels.pdf").read_bytes())
    assert len(labels) == 3
    labels.close()


def test_routes_command_rejects_a_bad_date_with_exit_2(tmp_path: Path) -> None:
    """A malformed --date is an input error (exit 2) naming the field."""
    fleet, _ = _files(tmp_path)
    result = runner.invoke(
        app,
        [
            "routes",
            "--node",
            "US-FC1",
            "--date",
            "07/12/2026",
            "--fleet",
            str(fleet),
            "--db",
            f"sqlite:///{tmp_path / 'none.db'}",
        ],
    )
    assert result.exit_code == 2
    assert "date" in result.output
