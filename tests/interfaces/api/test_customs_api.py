from __future__ import annotations

import json
from typing import Any

import pytest

from tests.customs.conftest import CHAPTERS, DATA
from tests.interfaces.api.conftest import SQLITE_ONLY, Server
from worldpool.customs import HsSuggester, Nomenclature, load_nomenclature, service
from worldpool.customs.examples import read_examples, tariff_lines

pytestmark = SQLITE_ONLY


@pytest.fixture(scope="module")
def small_hs_model() -> HsSuggester:
    """An HS suggester fitted on a few chapters (the packaged one takes ~30 s)."""
    full = load_nomenclature()
    texts = {c: t for c, t in full.texts.items() if c[:2] in CHAPTERS}
    lines = tuple(e for e in tariff_lines() if e.hs6[:2] in CHAPTERS)
    examples = read_examples(DATA / "hs_examples_small.csv")
    return HsSuggester().fit(Nomenclature(full.edition, texts, full.source), lines,
                             examples)  # fmt: skip


@pytest.fixture(autouse=True)
def fx_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """The servers of these tests convert with the test FX table."""
    monkeypatch.setenv("WORLDPOOL_FX_FILE", str(DATA / "fx.csv"))


@pytest.fixture
def shipment() -> dict[str, Any]:
    """A complete forward transfer of mugs and speakers to an FC in Germany."""
    data: dict[str, Any] = json.loads((DATA / "shipment_de_transfer.json").read_text())
    return data


def test_hs_suggests_top_k_with_reasons(
    server: Server, small_hs_model: HsSuggester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """POST /customs/hs returns k codes with confidence and reason; blank is 422."""
    monkeypatch.setattr(service, "hs_model", lambda confirmed=(): small_hs_model)
    body = {"title": "Leather wallet for men", "description": "bifold, cowhide",
            "attributes": {"material": "leather"}, "k": 2}  # fmt: skip
    with server.client("read") as c:
        r = c.post("/customs/hs", json=body)
        assert r.status_code == 200, r.text
        found = r.json()
        assert len(found) == 2 and found[0]["confidence"] >= found[1]["confidence"]
        assert len(found[0]["code"]) == 6 and found[0]["reason"]
        r = c.post("/customs/hs", json={"title": ""})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "title"
        r = c.post("/customs/hs", json={"title": "   "})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "text"


def test_check_reports_errors_and_never_fails(
    server: Server, shipment: dict[str, Any]
) -> None:
    """A bad value, broken JSON or a non-object answer 200 with a report of errors."""
    with server.client("read") as c:
        good = c.post("/customs/check", json=shipment).json()
        assert good["ok"] is True and good["destination"] == "DE"
        shipment["lines"][0]["unit_value"] = -1
        bad = c.post("/customs/check", json=shipment).json()
        assert bad["ok"] is False
        assert "lines[0].unit_value" in {i["field"] for i in bad["issues"]}
        for body in (b"{not json", b"[1, 2]", b"\xff\xfe", b""):
            r = c.post("/customs/check", content=body)
            assert r.status_code == 200, (body, r.text)
            assert r.json()["ok"] is False
            assert r.json()["issues"][0]["field"] == "(document)"


def test_documents_as_json_or_pdf_and_blocked_on_errors(
    server: Server, shipment: dict[str, Any]
) -> None:
    """Documents come as JSON or PDF; blocking errors are 422 unless forced."""
    with server.client("read") as c:
        docs = c.post("/customs/documents", json=shipment)
        assert docs.status_code == 200, docs.text
        assert {"commercial_invoice", "packing_list"} <= set(docs.json())
        pdf = c.post("/customs/documents", params={"pdf": "true"}, json=shipment)
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        del shipment["lines"][0]["hs_code"]
        shipment["lines"][0]["sku"] = "NOT-IN-LEDGER"
        blocked = c.post("/customs/documents", params={"pdf": "true"}, json=shipment)
        assert blocked.status_code == 422
        locs = [d["loc"] for d in blocked.json()["detail"]]
        assert ["body", "lines[0]", "hs_code"] in locs
        assert blocked.json()["report"]["ok"] is False
        forced = c.post("/customs/documents", params={"force": "true"}, json=shipment)
        assert forced.status_code == 200 and "commercial_invoice" in forced.json()


def test_landed_cost_breakdown(server: Server) -> None:
    """GET /customs/landed-cost/{sku}?to=DE gives EUR lines; bad input is 4xx."""
    with server.client("read") as c:
        r = c.get("/customs/landed-cost/MUG-1",
                  params={"to": "de", "qty": 100, "hs": "691110"})  # fmt: skip
        assert r.status_code == 200, r.text
        assert r.json()["currency"] == "EUR"
        names = {ln["name"] for ln in r.json()["lines"]}
        assert {"product", "freight", "duty", "import VAT/GST"} <= names
        r = c.get("/customs/landed-cost/MUG-1", params={"to": "DE"})
        # A missing HS code is the query parameter `hs`, not a body field.
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "hs"]
        r = c.get("/customs/landed-cost/MUG-1", params={"hs": "691110"})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "to"]
        assert (
            c.get("/customs/landed-cost/NOPE", params={"to": "DE"}).status_code == 404
        )
        r = c.get("/customs/landed-cost/MUG-1", params={"to": "XX", "hs": "691110"})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][0] == "query"


def test_hs_answer_and_seller_correction(
    server: Server, small_hs_model: HsSuggester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/customs/hs/answer is calibrated and asks when unsure; a correction counts at once."""
    monkeypatch.setattr(service, "hs_model", lambda confirmed=(): small_hs_model)
    body = {"title": "zorblax gizmo deluxe", "attributes": {"material": "plastic"}}
    with server.client("read") as c:
        r = c.post("/customs/hs/answer", json=body)
        assert r.status_code == 200, r.text
        first = r.json()
        assert 0 <= first["probability"] <= 1
        assert first["confident"] or first["question"]
        r = c.post("/customs/hs/corrections", json={"text": "x", "code": "950300"})
        assert r.status_code == 403
    code = "950300" if first["suggestions"][0]["code"] != "950300" else "420221"
    with server.client("write") as c:
        r = c.post(
            "/customs/hs/corrections",
            json={"text": "zorblax gizmo deluxe ; plastic", "code": code},
        )
        assert r.status_code == 201, r.text
        after = c.post("/customs/hs/answer", json=body).json()
        assert after["suggestions"][0]["code"] == code
        bad = c.post("/customs/hs/corrections", json={"text": "x", "code": "999998"})
        assert bad.status_code == 422
