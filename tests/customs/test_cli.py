from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from worldpool.catalog import Catalog
from worldpool.config import Settings
from worldpool.context import open_context
from worldpool.customs import HsSuggester, service
from worldpool.domain.product import BatteryType, SkuRecord
from worldpool.interfaces.cli.customs import app
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine

DATA = Path(__file__).parents[1] / "data" / "customs"
FX = str(DATA / "fx.csv")
runner = CliRunner()

MUG = SkuRecord(
    sku="MUG-01",
    title="Ceramic coffee mug 350 ml, porcelain",
    unit_weight_kg=Decimal("0.42"),
    unit_volume_m3=Decimal("0.0012"),
    unit_cost=Decimal("2.10"),
    currency="USD",
    hs_code="691110",
    battery=BatteryType.NONE,
)


@pytest.fixture
def db(sqlite_url: str, catalog: Catalog) -> str:
    """A SQLite ledger holding the mug SKU."""
    with Ledger(make_engine(sqlite_url), catalog) as led:
        led.init()
        led.register_skus([MUG])
    return sqlite_url


def test_hs_prints_suggestions(
    small_suggester: HsSuggester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`customs hs` prints the calibrated answer: codes, reasons, confident or a question."""
    monkeypatch.setattr(service, "hs_model", lambda confirmed: small_suggester)
    result = runner.invoke(app, ["hs", "leather wallet for men", "--k", "2", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    found = answer["suggestions"]
    assert len(found) == 2 and {"code", "confidence", "reason"} <= set(found[0])
    assert answer["confident"] or answer["question_text"]
    assert answer["probability"] == found[0]["confidence"]


def test_hs_refuses_empty_text() -> None:
    """An empty description exits 2 with a message naming the field."""
    result = runner.invoke(app, ["hs", "   "])
    assert result.exit_code == 2
    assert "text" in result.output


def test_check_exit_codes(tmp_path: Path, de_transfer: dict[str, Any]) -> None:
    """`customs check` exits 0 on a clean shipment and 2 with the field on errors."""
    good = tmp_path / "good.json"
    good.write_text(json.dumps(de_transfer))
    assert runner.invoke(app, ["check", str(good), "--fx", FX]).exit_code == 0
    de_transfer["lines"][0]["unit_value"] = -1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(de_transfer))
    result = runner.invoke(app, ["check", str(bad), "--fx", FX, "--json"])
    assert result.exit_code == 2
    assert "lines[0].unit_value" in {
        i["field"] for i in json.loads(result.output)["issues"]
    }


def test_docs_writes_json_and_pdf(tmp_path: Path, de_transfer: dict[str, Any]) -> None:
    """`customs docs --pdf` writes SHIPMENT_ID.json and a PDF."""
    path = tmp_path / "s.json"
    path.write_text(json.dumps(de_transfer))
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["docs", str(path), "--pdf", "--out", str(out), "--fx", FX]
    )
    assert result.exit_code == 0, result.output
    assert (out / "SHP-DE-0001.pdf").read_bytes().startswith(b"%PDF")
    assert "commercial_invoice" in json.loads((out / "SHP-DE-0001.json").read_text())


def test_docs_fill_gaps_from_ledger(
    tmp_path: Path, de_transfer: dict[str, Any], db: str
) -> None:
    """Line fields left out of the file are filled from the registered SKU."""
    del de_transfer["lines"][0]["hs_code"]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(de_transfer))
    ctx = open_context(Settings(database_url=db, fx_file=FX))
    report = service.check_shipment(ctx, path)
    ctx.close()
    assert "lines[0].hs_code" not in {i.field for i in report.errors}


def test_landed_cost_of_registered_sku(db: str) -> None:
    """`customs landed-cost SKU --to DE` prints a breakdown in euros."""
    result = runner.invoke(
        app,
        [
            "landed-cost",
            "MUG-01",
            "--to",
            "DE",
            "--qty",
            "100",
            "--fx",
            FX,
            "--db",
            db,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["currency"] == "EUR"
    assert {"product", "freight", "duty", "import VAT/GST"} <= {
        ln["name"] for ln in data["lines"]
    }


def test_landed_cost_unknown_market(db: str) -> None:
    """An unknown marketplace exits 2 naming it."""
    result = runner.invoke(
        app, ["landed-cost", "MUG-01", "--to", "XX", "--fx", FX, "--db", db]
    )
    assert result.exit_code == 2
    assert "XX" in result.output


def test_hs_confirm_appends_example(tmp_path: Path) -> None:
    """`customs hs TEXT --confirm CODE` records the code; an unknown code exits 2."""
    path = tmp_path / "mine.csv"
    ok = runner.invoke(
        app, ["hs", "blue mug", "--confirm", "6911.10", "--examples", str(path)]
    )
    assert ok.exit_code == 0, ok.output
    assert "blue mug,691110,confirmed" in path.read_text()
    bad = runner.invoke(
        app, ["hs", "blue mug", "--confirm", "999998", "--examples", str(path)]
    )
    assert bad.exit_code == 2


def test_hs_for_registered_sku(
    small_suggester: HsSuggester, monkeypatch: pytest.MonkeyPatch, db: str
) -> None:
    """`customs hs --sku SKU` classifies the SKU's title from the ledger."""
    monkeypatch.setattr(service, "hs_model", lambda confirmed: small_suggester)
    result = runner.invoke(app, ["hs", "--sku", "MUG-01", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["suggestions"]) == 3


def test_hs_correct_counts_for_the_seller(
    small_suggester: HsSuggester, monkeypatch: pytest.MonkeyPatch, db: str
) -> None:
    """`customs hs TEXT --correct CODE --db` stores the code; the next answer uses it."""
    monkeypatch.setattr(service, "hs_model", lambda confirmed: small_suggester)
    args = ["hs", "zorblax gizmo", "--material", "plastic", "--db", db]
    first = json.loads(runner.invoke(app, [*args, "--json"]).output)
    code = "950300" if first["suggestions"][0]["code"] != "950300" else "420221"
    done = runner.invoke(app, [*args, "--correct", code])
    assert done.exit_code == 0, done.output
    after = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert after["suggestions"][0]["code"] == code
