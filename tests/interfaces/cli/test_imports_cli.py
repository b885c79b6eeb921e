"""``worldpool receive`` then ``imports list`` and ``asn status`` on one database."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from worldpool.interfaces.cli import app

runner = CliRunner()


def test_receive_then_list_imports_and_asn_status(tmp_path: Path) -> None:
    """A received ASN reads received, an unknown one not received; imports are listed."""
    db = f"sqlite:///{tmp_path / 'w.db'}"
    skus = tmp_path / "skus.csv"
    skus.write_text(
        "sku,title,unit_cost,currency,unit_weight_kg,unit_volume_m3\n"
        "MUG,Mug,3,USD,0.4,0.002\n"
    )
    asn = tmp_path / "asn.csv"
    asn.write_text("asn_id,sku,node,qty\nA1,MUG,CN-SZX,10\nA1,GHOST,CN-SZX,1\n")
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    assert runner.invoke(app, ["sku", "import", str(skus), "--db", db]).exit_code == 0
    got = runner.invoke(app, ["receive", str(asn), "--db", db])
    assert got.exit_code == 8, got.output
    assert "1 posted" in got.output and "1 rejected" in got.output
    listed = runner.invoke(app, ["imports", "list", "--db", db])
    assert listed.exit_code == 0
    assert "asn.csv" in listed.output and "complete" in listed.output
    status = runner.invoke(app, ["asn", "status", "A1", "A9", "--db", db])
    assert status.exit_code == 0
    assert "A1: received" in status.output and "A9: not received" in status.output
