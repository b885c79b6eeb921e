"""``worldpool hub`` end to end, and statement files (CSV totals, Chinese PDF)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.hub.conftest import HUB
from tests.hub.test_bins import BINS
from tests.hub.test_waves import _order
from worldpool.context import Context
from worldpool.errors import ConfigError
from worldpool.hub import CloseRequest
from worldpool.hub import service as billing
from worldpool.hub.statement_file import statement_csv, statement_pdf
from worldpool.interfaces.cli import app
from worldpool.ledger import Ledger

runner = CliRunner()
SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_cli_close_statement_files_bins_and_count(
    hub: Context, ledger: Ledger, tmp_path: Path
) -> None:
    """Close, list sellers, write CSV + PDF, reconcile, lay out bins, count."""
    db = ledger.engine.url.render_as_string(hide_password=False)
    closed = runner.invoke(app, ["hub", "close", "--month", "2026-10", "--db", db])
    assert closed.exit_code == 0, closed.output
    assert "2 statements" in closed.output
    listed = runner.invoke(app, ["hub", "sellers", "--month", "2026-10", "--db", db])
    assert "acme" in listed.output and "beta" in listed.output
    out_csv, out_pdf = tmp_path / "s.csv", tmp_path / "s.pdf"
    shown = runner.invoke(
        app,
        [
            "hub",
            "statement",
            "--month",
            "2026-10",
            "--seller",
            "acme",
            "--csv",
            str(out_csv),
            "--pdf",
            str(out_pdf),
            "--lang",
            "zh-CN",
            "--db",
            db,
        ],
    )
    assert shown.exit_code == 0, shown.output
    assert "仓储" in shown.output and out_pdf.read_bytes().startswith(b"%PDF")
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text("utf-8"))))
    total = sum(Decimal(r["amount"]) for r in rows if r["service"] != "total")
    assert Decimal(rows[-1]["amount"]) == total
    rec = runner.invoke(
        app, ["hub", "reconcile", "--month", "2026-10", "--seller", "acme", "--db", db]
    )
    assert rec.exit_code == 0 and "unreconciled 0c" in rec.output
    assert runner.invoke(app, ["hub", "bins", str(BINS), "--db", db]).exit_code == 0
    put = runner.invoke(
        app,
        [
            "hub",
            "putaway",
            "A",
            "A-01-1-01",
            "5",
            "ASN-1",
            "--key",
            "k1",
            "--seller",
            "acme",
            "--db",
            db,
        ],
    )
    assert put.exit_code == 0 and "put away" in put.output
    count = runner.invoke(
        app,
        [
            "hub",
            "count",
            "CC-9",
            "--enter",
            "A-01-1-01:A=4",
            "--post",
            "broken",
            "--seller",
            "acme",
            "--db",
            db,
        ],
    )
    assert count.exit_code == 0, count.output
    assert "expected 5  counted 4  posted" in count.output


def test_pdf_in_chinese_embeds_a_font_or_fails_loudly(hub: Context) -> None:
    """zh-CN embeds a CJK font; a missing font file is a ConfigError, never '?'."""
    billing.close_month(hub, CloseRequest("2026-10", HUB))
    stmt = billing.statement(hub.acting_as(seller="acme"), "2026-10", HUB)
    pdf = statement_pdf(stmt, "zh-CN")
    assert b"/FontFile2" in pdf or b"/FontFile" in pdf
    with pytest.raises(ConfigError, match="not a font file"):
        statement_pdf(stmt, "zh-CN", font="/nonexistent/font.ttc")
    english = statement_csv(stmt, "en").splitlines()
    assert english[0].startswith("seller,node,month,line_no")
    assert all("seller=acme" in line for line in english[1:-1])


@SQLITE_ONLY
def test_cli_book_receive_and_waves(hub: Context, ledger: Ledger) -> None:
    """Book a slot, receive with damage and put away, then plan and ship a wave."""
    db = ledger.engine.url.render_as_string(hide_password=False)
    assert runner.invoke(app, ["hub", "bins", str(BINS), "--db", db]).exit_code == 0
    seller = ["--seller", "acme", "--db", db]
    booked = runner.invoke(
        app,
        [
            "hub",
            "book",
            "ASN-5",
            "--slot",
            "2026-11-03T09:00:00+00:00",
            "--cartons",
            "4",
            "--line",
            "A=10",
            *seller,
        ],
    )
    assert booked.exit_code == 0 and "dock D1" in booked.output, booked.output
    got = runner.invoke(
        app,
        [
            "hub",
            "receive",
            "ASN-5",
            "--line",
            "A=12/1",
            "--putaway",
            "A:A-01-1-01=11",
            *seller,
        ],
    )
    assert got.exit_code == 0, got.output
    assert "received 12, damaged 1, over 2, short 0" in got.output

    _order(hub.acting_as(seller="acme", role="operator"), "O9", "A", 3)
    waves = runner.invoke(
        app, ["hub", "waves", "--default-carrier", "sf", "--ship", *seller]
    )
    assert waves.exit_code == 0, waves.output
    assert "A-01-1-01  A  x3  (amazon:O9)" in waves.output
    assert "amazon:O9: shipped" in waves.output
