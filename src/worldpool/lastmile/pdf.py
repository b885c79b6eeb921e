"""Render driver manifests and parcel labels as PDF (fpdf2), English or Chinese.

Headings go through :func:`worldpool.i18n.t` in the reader's language. When
the language or any printed text needs glyphs outside Latin-1, a CJK font is
embedded (see :mod:`worldpool.fonts`); if there is none the call
raises ConfigError instead of printing ``?``.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from worldpool.fonts import find_cjk_font, needs_unicode
from worldpool.i18n import normalise_language, t
from worldpool.lastmile.manifest import Label, Manifest

__all__ = ["render_labels", "render_manifests"]

_COLUMNS = (  # (heading msgid, width mm)
    ("#", 8),
    ("Trip", 9),
    ("Arrive", 13),
    ("Window", 22),
    ("Slack min", 14),
    ("Stop", 22),
    ("Recipient and address", 62),
    ("Parcels (slot)", 40),
)


def _family(pdf: FPDF, language: str, texts: list[str], font: str | None) -> str:
    """Register a font on ``pdf`` that prints ``texts``; return its family name."""
    headings = [t(h, language) for h, _ in _COLUMNS]
    if normalise_language(language) == "en" and not needs_unicode(texts + headings):
        return "helvetica"
    path = find_cjk_font(font)
    pdf.add_font("cjk", "", str(path))
    pdf.add_font("cjk", "B", str(path))  # one weight: bold prints as regular
    return "cjk"


def _line(pdf: FPDF, family: str, size: int, text: str, style: str = "") -> None:
    pdf.set_font(family, style, size)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _stop_table(pdf: FPDF, family: str, m: Manifest, lang: str) -> None:
    pdf.set_font(family, "", 7)
    with pdf.table(
        col_widths=tuple(w for _, w in _COLUMNS), line_height=4, text_align="LEFT"
    ) as table:
        head = table.row()
        for h, _ in _COLUMNS:
            head.cell(t(h, lang))
        for s in m.stops:
            row = table.row()
            parcels = ", ".join(f"{p} ({c or '-'})" for p, c in s.parcels)
            for value in (
                s.seq,
                s.trip,
                s.arrival,
                s.window,
                s.slack_min,
                s.stop,
                f"{s.name}\n{s.address}".strip(),
                parcels,
            ):
                row.cell(str(value))


def _loading(pdf: FPDF, family: str, m: Manifest, lang: str) -> None:
    pdf.ln(3)
    _line(pdf, family, 10, t("Loading order (load first what is listed first)", lang))
    rows = [
        f"{t('Trip', lang)} {lb.trip}  {lb.slot or '-'}  #{lb.seq}  {lb.parcel}"
        for lb in m.labels
    ]
    _line(pdf, family, 7, "   |   ".join(rows))


def render_manifests(
    manifests: Sequence[Manifest], language: str = "en", font: str | None = None
) -> bytes:
    """Return one PDF with a manifest per van (A4 portrait).

    Args:
        manifests: From :func:`~worldpool.lastmile.build_manifests`.
        language: ``en`` or ``zh-CN``.
        font: CJK font file to embed (default: ``$WORLDPOOL_CJK_FONT`` or a
            system font); only used when the text needs it.

    Raises:
        ConfigError: Chinese text and no CJK font found.
    """
    texts = [x for m in manifests for x in m.texts()]
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    family = _family(pdf, language, texts, font)
    for m in manifests:
        pdf.add_page()
        _line(
            pdf, family, 14, t("Driver manifest: van {van}", language, van=m.van), "B"
        )
        _line(
            pdf,
            family,
            9,
            t(
                "{node}  {date}  depart {start}  return {end}  {km} km  {stops} stops",
                language,
                node=m.node,
                date=m.date.isoformat(),
                start=m.start,
                end=m.end,
                km=m.distance_km,
                stops=len(m.stops),
            ),
        )
        pdf.ln(2)
        _stop_table(pdf, family, m, language)
        _loading(pdf, family, m, language)
    return bytes(pdf.output())


def _label(pdf: FPDF, family: str, lb: Label, lang: str) -> None:
    pdf.add_page()
    pdf.set_font(family, "B", 48)
    pdf.cell(0, 22, lb.slot or "-", new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="C")
    _line(pdf, family, 10, t("Slot", lang) + f" {lb.slot or '-'}")
    _line(
        pdf,
        family,
        16,
        t(
            "Stop {seq}  trip {trip}  van {van}",
            lang,
            seq=lb.seq,
            trip=lb.trip,
            van=lb.van,
        ),
        "B",
    )
    _line(pdf, family, 10, f"{lb.name}\n{lb.address}".strip())
    _line(
        pdf,
        family,
        8,
        t("Parcel {parcel}  order {order}", lang, parcel=lb.parcel, order=lb.order),
    )


def render_labels(
    labels: Sequence[Label], language: str = "en", font: str | None = None
) -> bytes:
    """Return a PDF with one 100 x 150 mm label per parcel, slot code in large type.

    Args:
        labels: Labels in printing order (the manifest's loading order).
        language: ``en`` or ``zh-CN``.
        font: CJK font file (see :func:`render_manifests`).

    Raises:
        ConfigError: Chinese text and no CJK font found.
    """
    texts = [x for lb in labels for x in (lb.name, lb.address, lb.van)]
    pdf = FPDF(orientation="P", unit="mm", format=(100, 150))
    pdf.set_margins(6, 6, 6)
    pdf.set_auto_page_break(auto=True, margin=6)
    family = _family(pdf, language, texts, font)
    for lb in labels:
        _label(pdf, family, lb, language)
    return bytes(pdf.output())
