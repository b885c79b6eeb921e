from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from worldpool.interfaces.cli import app
from worldpool.ledger.migrate import head_revision

runner = CliRunner()

SKUS = (
    "sku,title,unit_cost,currency,unit_weight_kg,unit_volume_m3,listed_markets,ffo_markets\n"
    "MUG,Ceramic mug,3.20,USD,0.4,0.002,*,US;DE\n"
    "LAMP,Desk lamp,9.00,USD,1200,0.01,*,\n"  # 1200 kg: rejected
    "PEN,Gel pen,0.30,USD,0.02,0.00005,US,\n"
)
ASN = "asn_id,sku,node,qty\nA1,MUG,CN-SZX,100\nA1,PEN,CN-SZX,50\nA1,GHOST,CN-SZX,5\n"


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def world(tmp_path: Path, db_url: str) -> str:
    """A database with SKUs imported and one ASN received, on SQLite and PostgreSQL."""
    (tmp_path / "skus.csv").write_text(SKUS)
    (tmp_path / "asn.csv").write_text(ASN)
    assert cli("init", "--db", db_url)[0] == 0
    code, out = cli("sku", "import", str(tmp_path / "skus.csv"), "--db", db_url)
    assert code == 8 and "2 new" in out and "1 rejected" in out
    code, out = cli("receive", str(tmp_path / "asn.csv"), "--db", db_url)
    assert code == 8 and "2 posted" in out and "GHOST" in out
    return db_url


def test_bad_rows_reported_and_dead_lettered(world: str) -> None:
    """Rejected SKU and ASN rows land in the dead-letter list with file, row and field."""
    code, out = cli("dead-letters", "list", "--db", world)
    assert code == 0
    assert "unit_weight_kg" in out and "GHOST" in out


def test_receive_twice_changes_nothing(world: str, tmp_path: Path) -> None:
    """Receiving the same ASN file again posts nothing new."""
    code, out = cli("receive", str(tmp_path / "asn.csv"), "--db", world)
    assert "0 posted, 2 already posted" in out
    code, out = cli("stock", "--sku", "MUG", "--db", world)
    assert code == 0 and "100" in out


def test_transfer_then_atp_and_check(world: str) -> None:
    """A transfer shows in stock, ATP in a marketplace lists FC and hub, check is clean."""
    code, _ = cli(
        "move",
        "transfer_out",
        "MUG",
        "US-FC1",
        "30",
        "--from-node",
        "CN-SZX",
        "--reference",
        "TR-1",
        "--key",
        "tr-1-out",
        "--db",
        world,
    )
    assert code == 0
    code, _ = cli(
        "move",
        "transfer_in",
        "MUG",
        "US-FC1",
        "30",
        "--from-node",
        "CN-SZX",
        "--reference",
        "TR-1",
        "--key",
        "tr-1-in",
        "--db",
        world,
    )
    assert code == 0
    code, out = cli("stock", "--marketplace", "US", "--sku", "MUG", "--db", world)
    assert code == 0 and "US-FC1: 30" in out and "CN-SZX (FFO): 70" in out
    code, out = cli("check", "--db", world)
    assert code == 0 and "drift 0" in out
    code, out = cli("journal", "--reference", "TR-1", "--db", world)
    assert code == 0 and "transfer_in" in out and "transfer_out" in out
    assert "ASN" not in out


def test_oversell_exit_code(world: str) -> None:
    """Reserving beyond available exits 3 with a message naming SKU and node."""
    code, out = cli(
        "move",
        "reserve",
        "PEN",
        "CN-SZX",
        "51",
        "--reference",
        "o1",
        "--key",
        "o1",
        "--db",
        world,
    )
    assert code == 3
    assert "PEN" in out and "CN-SZX" in out


def test_catalog_lists_marketplaces_and_lanes() -> None:
    """The catalog commands list the 23 marketplaces and filter lanes by mode."""
    code, out = cli("catalog", "marketplaces")
    assert code == 0 and "GB" in out and "IOSS" in out
    code, out = cli("catalog", "lanes", "--origin", "CN-SZX", "--mode", "parcel")
    assert code == 0 and "CN-SZX>US:parcel" in out and ":sea" not in out


def test_demo_builds_pool(tmp_path: Path) -> None:
    """The demo builds a pool from real demand, with zero drift, in a fresh folder."""
    code, out = cli("demo", str(tmp_path / "demo"))
    assert code == 0, out
    assert "300 SKUs" in out and "CN-SZX" in out and "drift 0" in out
    assert (tmp_path / "demo" / "worldpool.db").exists()
    code, out = cli("demo", str(tmp_path / "demo"))
    assert code == 2 and "not empty" in out


def test_module_entry_point(tmp_path: Path) -> None:
    """``python -m worldpool`` runs the CLI as a real process."""
    url = f"sqlite:///{tmp_path / 'p.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "worldpool", "init", "--db", url],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"schema {head_revision()}" in done.stdout


def test_negative_adjustment_from_cli(world: str) -> None:
    """A cycle-count loss is typed as a plain negative quantity."""
    code, out = cli(
        "move",
        "adjust",
        "MUG",
        "CN-SZX",
        "-3",
        "--reference",
        "count-1",
        "--key",
        "count-1",
        "--reason",
        "cycle count",
        "--db",
        world,
    )
    assert code == 0, out
    code, out = cli("stock", "--sku", "MUG", "--node", "CN-SZX", "--db", world)
    assert "97" in out


def test_missing_extra_stub_names_the_extra() -> None:
    """A command whose extra is not installed exits 7 and names the pip extra."""
    from worldpool.interfaces.cli.app import _missing

    stub_app = typer.Typer()
    stub_app.command(
        "plan",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(_missing("ml", "pandas"))
    stub_app.command("noop")(lambda: None)
    result = runner.invoke(stub_app, ["plan", "--anything", "x"])
    assert result.exit_code == 7
    assert "worldpool[ml]" in result.output and "pandas" in result.output
