"""Render the commercial invoice and packing list as one PDF (fpdf2).

A document in Latin-1 uses the core Helvetica font. A document with other
characters (a Chinese description, an exporter's name in 汉字) embeds a
Unicode font that covers them, found by :mod:`worldpool.fonts`
(``WORLDPOOL_CJK_FONT``, or the older ``WORLDPOOL_PDF_FONT``, else the first
CJK font among the usual system places: Debian's ``fonts-noto-cjk``,
WenQuanYi, macOS and Windows fonts). With none, rendering
fails with a :class:`~worldpool.errors.ConfigError` that says what to
install: a PDF never shows ``?`` in place of text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from worldpool.customs.documents import CommercialInvoice, PackingList
from worldpool.customs.shipment import Party
from worldpool.fonts import find_cjk_face

__all__ = ["find_unicode_font", "render_pdf"]

_FONT = "helvetica"
_UNICODE = "wpunicode"
_unicode_on: ContextVar[bool] = ContextVar("_unicode_on", default=False)
_INVOICE_COLUMNS = (
    ("SKU", 24),
    ("Description", 78),
    ("HS code", 22),
    ("Origin", 13),
    ("Qty", 13),
    ("Unit value", 22),
    ("Total", 24),
    ("Net kg", 18),
    ("Gross kg", 18),
    ("DG", 25),
)


class _NeedsUnicode(Exception):
    """The document holds a character the core fonts lack."""


def _latin(text: object) -> str:
    value = str(text)
    if not _unicode_on.get():
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise _NeedsUnicode(value) from None
    return value


class _Pdf(FPDF):
    """FPDF whose Helvetica is swapped for the embedded Unicode font when loaded."""

    def set_font(
        self, family: str | None = None, style: Any = "", size: float = 0
    ) -> None:
        """Select a font; Helvetica means the embedded Unicode font when loaded."""
        if _unicode_on.get() and family == _FONT:
            family = _UNICODE
            style = "B" if "B" in str(style).upper() else ""
        super().set_font(family, style, size)


def find_unicode_font(setting: str | None = None) -> tuple[Path, int]:
    """Return (font file, collection number) of a font with CJK coverage.

    Args:
        setting: A font file (default: ``WORLDPOOL_CJK_FONT`` or
            ``WORLDPOOL_PDF_FONT``, then the system places of
            :data:`worldpool.fonts.CJK_FONT_CANDIDATES`).

    Raises:
        ConfigError: the named file is missing, or no CJK font is installed.
    """
    return find_cjk_face(setting)


@contextmanager
def _unicode(pdf: FPDF) -> Iterator[None]:
    path, number = find_unicode_font()
    # The same face serves as bold (table headings ask for it): CJK collections
    # come as separate files per weight, and a heavier look matters less here.
    for style in ("", "B"):
        pdf.add_font(_UNICODE, style, str(path), collection_font_number=number)
    token = _unicode_on.set(True)
    try:
        yield
    finally:
        _unicode_on.reset(token)


def _party_block(pdf: FPDF, title: str, party: Party, x: float, width: float) -> None:
    pdf.set_xy(x, pdf.get_y())
    pdf.set_font(_FONT, "B", 8)
    pdf.cell(width, 4, _latin(title), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "", 8)
    ids = ", ".join(f"{k} {v}" for k, v in party.ids.items())
    lines = [
        party.name,
        party.address,
        party.country,
        f"Tax id: {party.tax_id}" if party.tax_id else "",
        ids,
        party.contact,
    ]
    for text in filter(None, lines):
        pdf.multi_cell(width, 4, _latin(text), new_x=XPos.LEFT, new_y=YPos.NEXT)


def _parties(pdf: FPDF, invoice: CommercialInvoice) -> None:
    s = invoice.shipment
    top, width = pdf.get_y(), 88.0
    bottoms = []
    for i, (title, party) in enumerate(
        (
            ("Exporter / seller", s.exporter),
            ("Importer of record", s.importer_of_record),
            ("Consignee", s.consignee),
        )
    ):
        pdf.set_y(top)
        _party_block(pdf, title, party, 10 + i * (width + 4), width)
        bottoms.append(pdf.get_y())
    pdf.set_y(max(bottoms) + 3)


def _header(pdf: FPDF, title: str, invoice: CommercialInvoice) -> None:
    s = invoice.shipment
    pdf.add_page()
    pdf.set_font(_FONT, "B", 14)
    pdf.cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, "", 8)
    facts = [
        f"Invoice no. {s.invoice_number}",
        f"Date {s.date or ''}",
        f"Shipment {s.id} ({s.kind})",
        f"Destination {s.destination}",
        f"Mode {s.mode}",
        f"Incoterms 2020 {s.incoterm}",
        f"Currency {s.currency}",
        f"Reason {s.reason}",
    ]
    if s.port_of_entry:
        facts.append(f"Port of entry {s.port_of_entry}")
    if invoice.tax_scheme:
        facts.append(f"Tax {invoice.tax_scheme}")
    pdf.multi_cell(
        0, 4, _latin("   |   ".join(facts)), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(2)
    _parties(pdf, invoice)


def _table(
    pdf: FPDF, columns: Sequence[tuple[str, int]], rows: Sequence[Sequence[object]]
) -> None:
    pdf.set_font(_FONT, "", 7)
    with pdf.table(
        col_widths=tuple(w for _, w in columns), line_height=4, text_align="LEFT"
    ) as table:
        head = table.row()
        for name, _ in columns:
            head.cell(name)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(_latin(value))


def _invoice(pdf: FPDF, invoice: CommercialInvoice) -> None:
    s = invoice.shipment
    _header(pdf, "COMMERCIAL INVOICE", invoice)
    rows = [
        (
            r.sku,
            r.description,
            r.hs_code,
            r.origin,
            r.quantity,
            r.unit_value,
            r.total_value,
            r.net_kg,
            r.gross_kg,
            r.dangerous_goods,
        )
        for r in invoice.rows
    ]
    _table(pdf, _INVOICE_COLUMNS, rows)
    pdf.ln(2)
    pdf.set_font(_FONT, "", 8)
    totals = (
        f"Goods {invoice.goods_total} {s.currency}   Freight {s.freight}   "
        f"Insurance {s.insurance}   "
        f"Invoice total {invoice.invoice_total} {s.currency}   "
        f"Net {invoice.net_kg} kg   Gross {invoice.gross_kg} kg"
    )
    pdf.multi_cell(0, 5, _latin(totals), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if s.eu_responsible_person:
        pdf.multi_cell(
            0,
            5,
            _latin(f"EU responsible person (GPSR): {s.eu_responsible_person}"),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(3)
    declaration = (
        "I declare that the information on this invoice is true and correct "
        "and that the goods originate as stated."
    )
    pdf.multi_cell(0, 5, declaration, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(
        0,
        5,
        _latin(f"Signed: {s.signatory}    Date: {s.date or ''}"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _packing(pdf: FPDF, invoice: CommercialInvoice, packing: PackingList) -> None:
    _header(pdf, "PACKING LIST", invoice)
    rows = [
        (
            c.id,
            ", ".join(f"{sku} x {units}" for sku, units in c.contents),
            c.gross_kg if c.gross_kg is not None else "",
            " x ".join(str(d) for d in c.dimensions_cm) if c.dimensions_cm else "",
        )
        for c in packing.cartons
    ]
    _table(
        pdf,
        (
            ("Carton", 35),
            ("Contents (SKU x units)", 150),
            ("Gross kg", 30),
            ("L x W x H cm", 42),
        ),
        rows,
    )
    pdf.ln(2)
    pdf.set_font(_FONT, "", 8)
    pdf.cell(
        0,
        5,
        f"Packages: {len(packing.cartons)}   Gross weight: {packing.gross_kg} kg",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def render_pdf(invoice: CommercialInvoice, packing: PackingList) -> bytes:
    """Return a PDF with the commercial invoice then the packing list (A4 landscape).

    Args:
        invoice: The commercial invoice.
        packing: The packing list.

    Raises:
        ConfigError: the documents need a CJK font and none is installed.
    """
    try:
        return _render(invoice, packing, unicode=False)
    except _NeedsUnicode:
        return _render(invoice, packing, unicode=True)


def _render(
    invoice: CommercialInvoice, packing: PackingList, *, unicode: bool
) -> bytes:
    pdf = _Pdf(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_creator("worldpool")
    pdf.set_title(f"Commercial invoice {invoice.shipment.invoice_number}")
    if not unicode:
        _invoice(pdf, invoice)
        _packing(pdf, invoice, packing)
        return bytes(pdf.output())
    with _unicode(pdf):
        _invoice(pdf, invoice)
        _packing(pdf, invoice, packing)
        return bytes(pdf.output())
