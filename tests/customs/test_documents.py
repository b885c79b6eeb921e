from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest  # type: ignore[import-untyped]

from worldpool.config import Settings
from worldpool.context import open_context
from worldpool.customs import (
    build_documents,
    documents_to_dict,
    parse_shipment,
    render_pdf,
)
from worldpool.customs.service import shipment_documents
from worldpool.errors import ConfigError
from worldpool.fonts import CJK_FONT_CANDIDATES


def test_invoice_json_has_broker_fields(de_transfer: dict[str, Any]) -> None:
    """The invoice carries parties, Incoterm, HS, origin, values and weights per line."""
    invoice, packing = build_documents(
        parse_shipment(de_transfer).shipment, "import VAT"
    )
    data: dict[str, Any] = documents_to_dict(invoice, packing)
    ci = data["commercial_invoice"]
    assert isinstance(ci, dict)
    assert ci["incoterm"] == "DDP"
    assert ci["importer_of_record"]["ids"]["EORI"] == "DE123456789012345"
    line = ci["lines"][0]
    assert (line["hs_code"], line["origin"], line["quantity"]) == (
        "691110",
        "CN",
        "120",
    )
    assert line["total_value"] == "288.00"
    assert ci["invoice_total"] == "872.00"
    assert data["packing_list"]["packages"] == 3


def test_parcel_without_cartons_gets_one_package(de_parcel: dict[str, Any]) -> None:
    """A parcel with no carton list is packed as one package holding every line."""
    _, packing = build_documents(parse_shipment(de_parcel).shipment)
    assert [c.contents for c in packing.cartons] == [(("MUG-01", 2),)]


def test_pdf_renders_both_documents(de_transfer: dict[str, Any]) -> None:
    """The PDF has an invoice page and a packing-list page that render to images."""
    pdf = render_pdf(*build_documents(parse_shipment(de_transfer).shipment))
    doc = pdfium.PdfDocument(io.BytesIO(pdf))
    assert len(doc) == 2
    texts = [doc[i].get_textpage().get_text_range() for i in range(2)]
    assert "COMMERCIAL INVOICE" in texts[0] and "691110" in texts[0]
    assert "PACKING LIST" in texts[1] and "CTN-003" in texts[1]
    image = doc[0].render(scale=0.5).to_pil()
    assert image.width > image.height


def test_chinese_text_renders_as_chinese(de_transfer: dict[str, Any]) -> None:
    """A Chinese description is embedded with a CJK font and reads back unchanged."""
    if not any(Path(p).is_file() for p, _ in CJK_FONT_CANDIDATES):
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    de_transfer["lines"][0]["description"] = "不锈钢保温杯 500ml"
    pdf = render_pdf(*build_documents(parse_shipment(de_transfer).shipment))
    text = pdfium.PdfDocument(io.BytesIO(pdf))[0].get_textpage().get_text_range()
    assert "不锈钢保温杯 500ml" in text and "?" not in text.split("500ml")[0]


def test_chinese_without_a_font_fails_loudly(
    de_transfer: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no CJK font anywhere, rendering Chinese raises ConfigError saying what to install."""
    monkeypatch.setattr("worldpool.fonts.CJK_FONT_CANDIDATES", ())
    monkeypatch.delenv("WORLDPOOL_PDF_FONT", raising=False)
    monkeypatch.delenv("WORLDPOOL_CJK_FONT", raising=False)
    de_transfer["lines"][0]["description"] = "陶瓷杯 ceramic mug"
    with pytest.raises(ConfigError, match="fonts-noto-cjk"):
        render_pdf(*build_documents(parse_shipment(de_transfer).shipment))


def test_blocked_document_gets_no_pdf_unless_forced(
    de_transfer: dict[str, Any], tmp_path: Path
) -> None:
    """A shipment with errors yields no documents; --force produces them anyway."""
    de_transfer["lines"][0]["hs_code"] = ""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(de_transfer))
    fx = Path(__file__).parents[1] / "data" / "customs" / "fx.csv"
    ctx = open_context(
        Settings(database_url="sqlite://", fx_file=str(fx)), require_schema=False
    )
    blocked = shipment_documents(ctx, path, pdf=True, use_ledger=False)
    assert (blocked.documents, blocked.pdf) == (None, None)
    forced = shipment_documents(ctx, path, pdf=True, force=True, use_ledger=False)
    assert forced.pdf is not None and forced.documents is not None
    assert forced.documents["validation"]["ok"] is False  # type: ignore[index]
