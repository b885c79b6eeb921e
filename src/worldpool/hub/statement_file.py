"""Render a hub statement as CSV or PDF (fpdf2), in English or Chinese.

Every line carries its ledger trace (the journal filter, charge filter or
snapshot it comes from), so a seller can audit each amount. Chinese text needs
a CJK font: one is embedded (``WORLDPOOL_CJK_FONT`` or a system font, see
:mod:`worldpool.fonts`) and without one rendering raises
ConfigError rather than printing ``?``.
"""

from __future__ import annotations

import csv
import io

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from worldpool.fonts import find_cjk_font
from worldpool.hub.records import Statement
from worldpool.i18n import N_, normalise_language, t

__all__ = ["SERVICE_NAMES", "service_name", "statement_csv", "statement_pdf"]

SERVICE_NAMES = {
    "storage": N_("Storage"),
    "inbound_carton": N_("Inbound per carton"),
    "inbound_unit": N_("Inbound per unit"),
    "pick_order": N_("Pick per order"),
    "pick_unit": N_("Pick per unit"),
    "pack_order": N_("Pack per order"),
    "ffo_parcel": N_("Fulfil-from-origin parcel (cost plus margin)"),
    "vas_label": N_("Value-added service: relabel"),
    "vas_kit": N_("Value-added service: kitting"),
    "vas_photo": N_("Value-added service: photo"),
}
"""Readable names of the rate card's services (msgids)."""

_COLUMNS = (  # (heading msgid, width mm)
    (N_("Day"), 20),
    (N_("Service"), 62),
    (N_("Basis"), 26),
    (N_("Unit"), 18),
    (N_("Rate"), 20),
    (N_("Amount"), 24),
    (N_("Records"), 16),
)


def service_name(service: str, language: str) -> str:
    """Return the readable name of ``service`` in ``language`` (the code if unknown)."""
    msgid = SERVICE_NAMES.get(service)
    return t(msgid, language) if msgid else service


_CSV_HEADER = (
    "seller",
    "node",
    "month",
    "line_no",
    "day",
    "service",
    "description",
    "unit",
    "basis",
    "rate",
    "amount",
    "currency",
    "records",
    "trace",
)


def statement_csv(stmt: Statement, language: str = "en") -> str:
    """Return the statement as CSV text: one row per line, then a total row.

    Columns: seller, node, month, line_no, day, service, description, unit,
    basis, rate, amount, currency, records, trace (amounts in ``currency``).
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(_CSV_HEADER)
    head = [stmt.seller, stmt.node, stmt.month]
    for ln in stmt.lines:
        name = service_name(ln.service, language)
        where = [ln.line_no, ln.day.isoformat(), ln.service, name, ln.unit]
        money = [_num(ln.basis), _num(ln.rate), f"{ln.amount:.2f}", ln.currency]
        w.writerow([*head, *where, *money, ln.records, ln.trace])
    total = [f"{stmt.total:.2f}", stmt.currency, "", ""]
    w.writerow([*head, "", "", "total", t("Total", language), "", "", "", *total])
    return out.getvalue()


def _latin1(texts: list[str]) -> bool:
    try:
        "".join(texts).encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _num(value: object) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def statement_pdf(
    stmt: Statement, language: str = "en", font: str | None = None
) -> bytes:
    """Return the statement as an A4 PDF (heading, lines table, total).

    Args:
        stmt: A closed statement.
        language: ``en`` or ``zh-CN``.
        font: CJK font file (default ``$WORLDPOOL_CJK_FONT`` or a system font).

    Raises:
        ConfigError: the text needs a CJK font and none is found.
    """
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    texts = [stmt.seller] + [service_name(ln.service, language) for ln in stmt.lines]
    family = "helvetica"
    if normalise_language(language) != "en" or not _latin1(texts):
        pdf.add_font("cjk", "", str(find_cjk_font(font)))
        family = "cjk"
    pdf.add_page()
    _heading(pdf, family, stmt, language)
    _table(pdf, family, stmt, language)
    return bytes(pdf.output())


def _heading(pdf: FPDF, family: str, stmt: Statement, language: str) -> None:
    pdf.set_font(family, "", 14)
    title = t(
        "Hub statement {month}: {seller} at {node}",
        language,
        month=stmt.month,
        seller=stmt.seller,
        node=stmt.node,
    )
    pdf.multi_cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 8)
    pdf.multi_cell(
        0,
        5,
        t(
            "Every line traces to ledger movements, recorded charges or daily stock "
            "snapshots; the CSV lists each line's trace.",
            language,
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _table(pdf: FPDF, family: str, stmt: Statement, language: str) -> None:
    pdf.ln(2)
    for heading, width in _COLUMNS:
        pdf.cell(width, 6, t(heading, language), border="B")
    pdf.ln()
    for ln in stmt.lines:
        cells = (
            ln.day.isoformat(),
            service_name(ln.service, language),
            _num(ln.basis),
            ln.unit,
            _num(ln.rate),
            f"{ln.amount:.2f}",
            str(ln.records),
        )
        for (_, width), text in zip(_COLUMNS, cells, strict=True):
            pdf.cell(width, 5, text)
        pdf.ln()
    pdf.ln(2)
    pdf.set_font(family, "", 11)
    pdf.cell(
        0,
        7,
        t(
            "Total: {amount} {currency}",
            language,
            amount=f"{stmt.total:.2f}",
            currency=stmt.currency,
        ),
    )
