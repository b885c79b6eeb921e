"""Most-favoured-nation duty rates from the packaged tariff files.

Coverage: the US HTS8 (USITC, 2025-06-06), the EU Common External Tariff as
of 2020 and the UK Global Tariff as of 2021 (CN8, HS 2017 codes). Only the ad
valorem part of a rate is used; specific and compound parts are reported in
the note. Additional duties (US Section 301/232/122, trade remedies) are not
in these files.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from worldpool.customs.nomenclature import hs_digits, read_packaged_csv

__all__ = ["DutyRate", "TariffLine", "duty_rate", "tariff_lines_for"]

_PERCENT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*%")
_SENTINEL = Decimal("9999")


@dataclass(frozen=True, slots=True)
class TariffLine:
    """One national tariff line."""

    code: str
    """National code (8 or 10 digits)."""
    description: str
    """Line description."""
    ad_valorem: Decimal | None
    """Ad valorem rate as a fraction, None when the rate has none."""
    text_rate: str
    """The rate as published (``2.7%``, ``Free``, ``10.20% + 93.10 EUR / 100 kg``)."""
    specific: bool
    """True when the rate has a specific or compound part not modelled here."""
    source: str
    """Where the line comes from."""


@dataclass(frozen=True, slots=True)
class DutyRate:
    """The duty rate chosen for a code, and why."""

    rate: Decimal
    """Ad valorem rate as a fraction of the customs value."""
    source: str
    """Tariff file and line(s) used, or ``user rate``."""
    note: str = ""
    """Caveats: a range over several lines, a specific part left out ..."""


def _fraction(text: str) -> Decimal | None:
    match = _PERCENT.match(text)
    if match:
        return Decimal(match.group(1)) / 100
    return Decimal(0) if text.strip().lower() in {"free", "0"} else None


def _us_line(row: Mapping[str, str]) -> TariffLine:
    kind = row["rate_type"]
    try:
        value = Decimal(row["ad_valorem"] or "0")
    except InvalidOperation:
        value = Decimal(0)
    ad_valorem = Decimal(0) if kind == "0" else (value if value < _SENTINEL else None)
    return TariffLine(
        row["code"],
        row["description"],
        ad_valorem,
        row["text_rate"],
        kind not in {"0", "7"},
        row["source"],
    )


@functools.cache
def _schedules() -> dict[str, dict[str, TariffLine]]:
    us = {r["code"]: _us_line(r) for r in read_packaged_csv("tariff_us_hts8.csv.gz")}
    eu: dict[str, TariffLine] = {}
    gb: dict[str, TariffLine] = {}
    for r in read_packaged_csv("tariff_eu_uk_cn8.csv.gz"):
        for table, col, label in (
            (eu, "eu_rate", "EU CET 2020"),
            (gb, "gb_rate", "UKGT 2021"),
        ):
            text = r[col]
            table[r["code"]] = TariffLine(
                r["code"],
                r["description"],
                _fraction(text),
                text,
                "+" in text or "EUR" in text or "GBP" in text,
                f"{label}: {r['source']}",
            )
    return {"US": us, "EU": eu, "GB": gb}


def tariff_lines_for(schedule: str, code: str) -> tuple[TariffLine, ...]:
    """Return the lines of ``schedule`` under ``code`` (exact line first if any).

    Args:
        schedule: ``US``, ``EU`` or ``GB``.
        code: HS code of 6 to 10 digits.
    """
    lines = _schedules().get(schedule, {})
    digits = hs_digits(code)
    if digits in lines:
        return (lines[digits],)
    return tuple(line for c, line in sorted(lines.items()) if c.startswith(digits[:6]))


def duty_rate(schedule: str, code: str) -> DutyRate | None:
    """Return the MFN ad valorem duty for ``code``, or None when not covered.

    When a 6-digit code spans several national lines with different rates,
    the highest is used (a cautious landed cost) and the note gives the range.

    Args:
        schedule: ``US``, ``EU`` or ``GB`` (the valuation table's ``duty_source``).
        code: HS code of 6 to 10 digits.
    """
    lines = [ln for ln in tariff_lines_for(schedule, code) if ln.ad_valorem is not None]
    if not lines:
        return None
    rates = [ln.ad_valorem for ln in lines if ln.ad_valorem is not None]
    top = max(lines, key=lambda ln: ln.ad_valorem or Decimal(0))
    notes = []
    if min(rates) != max(rates):
        notes.append(
            f"{len(lines)} national lines from {min(rates):.2%} to {max(rates):.2%}: "
            "the highest is used; give the national code for the exact rate"
        )
    if any(ln.specific for ln in lines):
        notes.append("a specific/compound part of the rate is not included")
    return DutyRate(
        rate=top.ad_valorem or Decimal(0),
        source=f"{top.source}, line {top.code} ({top.text_rate})",
        note="; ".join(notes),
    )
