"""Carton labels (GS1 logistic label layout) and packing lists as PDF (fpdf2).

Each label is a 100 x 150 mm page: ship from / ship to, references, contents,
and the SSCC as a GS1-128 barcode (``(00)`` + 18 digits) drawn bar by bar from
:mod:`worldpool.logistics.code128`, X-dimension 0.5 mm, 10-module quiet zones.
The core PDF fonts cover Latin-1 only; other characters print as ``?``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from worldpool.logistics.code128 import modules
from worldpool.logistics.documents import LabelData

__all__ = ["draw_code128", "render_labels", "render_packing_list"]

_FONT = "helvetica"
_X_MM = 0.5
_QUIET = 10


def _latin(text: object) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def draw_code128(
    pdf: FPDF, x: float, y: float, text: str, *, gs1: bool, height: float
) -> float:
    """Draw a Code 128 symbol with its left quiet zone at ``x``; return its width (mm).

    Args:
        pdf: The document.
        x: Left edge of the quiet zone, in mm.
        y: Top of the bars, in mm.
        text: What to encode.
        gs1: GS1-128 (FNC1 after the start).
        height: Bar height, in mm.
    """
    pdf.set_fill_color(0, 0, 0)
    cursor = x + _QUIET * _X_MM
    for i, width in enumerate(modules(text, gs1=gs1)):
        if i % 2 == 0:
            pdf.rect(cursor, y, width * _X_MM, height, style="F")
        cursor += width * _X_MM
    return cursor - x + _QUIET * _X_MM


def _line(pdf: FPDF, text: str, size: float = 9, style: str = "") -> None:
    pdf.set_font(_FONT, style, size)
    pdf.multi_cell(90, size * 0.5, _latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _label(pdf: FPDF, d: LabelData) -> None:
    pdf.add_page()
    pdf.set_xy(5, 5)
    _line(pdf, f"FROM  {d.ship_from}")
    _line(pdf, f"TO    {d.ship_to}", 14, "B")
    pdf.ln(2)
    _line(pdf, f"Shipment {d.shipment}   Ref {d.reference}")
    _line(pdf, f"Service {d.service}")
    _line(pdf, f"Carton {d.seq} of {d.total}   Gross {d.weight_kg:.2f} kg", 11, "B")
    pdf.ln(2)
    shown = d.contents[:8]
    for sku, qty in shown:
        _line(pdf, f"  {sku}  x {qty}", 8)
    if len(d.contents) > len(shown):
        _line(pdf, f"  ... {len(d.contents) - len(shown)} more SKUs", 8)
    pdf.set_font(_FONT, "B", 10)
    pdf.set_xy(5, 100)
    pdf.cell(90, 5, "SSCC", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    draw_code128(pdf, 5, 107, "00" + d.sscc, gs1=True, height=25)
    pdf.set_xy(5, 134)
    human = f"(00) {d.sscc[0]} {d.sscc[1:-1]} {d.sscc[-1]}"
    pdf.cell(90, 6, human, align="C")


def render_labels(labels: Sequence[LabelData]) -> bytes:
    """Return a PDF with one 100 x 150 mm label page per carton."""
    pdf = FPDF(unit="mm", format=(100, 150))
    pdf.set_auto_page_break(False)
    pdf.set_margins(5, 5, 5)
    for d in labels:
        _label(pdf, d)
    return bytes(pdf.output())


def render_packing_list(
    title: str, header: Sequence[str], rows: Sequence[dict[str, Any]]
) -> bytes:
    """Return an A4 PDF table: ``title`` and one row per packing-list line.

    Args:
        title: Heading (shipment id, from, to).
        header: Column keys of ``rows``, in order.
        rows: Packing-list rows.
    """
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    pdf.set_font(_FONT, "B", 12)
    pdf.multi_cell(0, 6, _latin(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    width = 190 / max(len(header), 1)
    pdf.set_font(_FONT, "B", 8)
    for h in header:
        pdf.cell(width, 5, _latin(h), border=1)
    pdf.ln()
    pdf.set_font(_FONT, "", 8)
    for row in rows:
        for h in header:
            pdf.cell(width, 5, _latin(row.get(h, "")), border=1)
        pdf.ln()
    return bytes(pdf.output())
