"""Labelled texts for the HS suggester: tariff lines, products, confirmed codes."""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from worldpool.customs.nomenclature import hs_digits, read_packaged_csv
from worldpool.errors import InputError

__all__ = [
    "Example",
    "append_confirmed",
    "packaged_examples",
    "read_examples",
    "tariff_lines",
]

_HEADER = ("text", "hs6", "source")


@dataclass(frozen=True, slots=True)
class Example:
    """A piece of text labelled with a 6-digit HS code."""

    text: str
    """Product title / description, or a tariff line's description."""
    hs6: str
    """Six-digit HS 2022 subheading."""
    source: str
    """Where the label comes from (data set row id, tariff, ``confirmed``)."""


@functools.cache
def tariff_lines() -> tuple[Example, ...]:
    """Return the packaged US HTS8 and EU/UK CN8 line texts as labelled examples.

    CN8 codes follow HS 2017; a line whose 6 digits are not an HS 2022
    subheading is dropped by the suggester.
    """
    us = (
        Example(r["description"], r["code"][:6], "US HTS8 " + r["code"])
        for r in read_packaged_csv("tariff_us_hts8.csv.gz")
    )
    eu = (
        Example(r["description"], r["code"][:6], "CN8 " + r["code"])
        for r in read_packaged_csv("tariff_eu_uk_cn8.csv.gz")
    )
    return tuple(e for e in (*us, *eu) if e.text)


@functools.cache
def packaged_examples() -> tuple[Example, ...]:
    """Return the packaged labelled products (HSCodeComp titles, CBP rulings).

    The benchmark never scores a model on rows it was fitted on: it
    cross-validates over these rows (see ``benchmarks/hs_accuracy.py``).
    """
    return tuple(
        Example(r["text"], r["hs6"], r["id"])
        for r in read_packaged_csv("hs_labeled.csv.gz")
    )


def read_examples(path: Path) -> tuple[Example, ...]:
    """Read a user's confirmed codes (CSV with ``text,hs6[,source]``).

    Args:
        path: The CSV file; a missing file means no examples.

    Raises:
        InputError: when a row has no text or a code that is not 6+ digits.
    """
    if not path.exists():
        return ()
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for number, row in enumerate(rows, start=1):
        code = hs_digits(row.get("hs6") or "")
        text = (row.get("text") or "").strip()
        if len(code) < 6 or not text:
            raise InputError(
                "needs a text and a 6-digit HS code",
                record=path.name,
                row=number,
                field="hs6" if text else "text",
                value=row.get("hs6") if text else row.get("text"),
            )
        out.append(Example(text, code[:6], row.get("source") or "confirmed"))
    return tuple(out)


def append_confirmed(path: Path, confirmed: Iterable[Example]) -> int:
    """Append confirmed codes to a user's examples file (created with a header).

    Args:
        path: The CSV file.
        confirmed: Texts with the code the user confirmed.

    Returns:
        Rows appended.
    """
    new = not path.exists()
    rows = [(e.text, e.hs6, e.source) for e in confirmed]
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if new:
            writer.writerow(_HEADER)
        writer.writerows(rows)
    return len(rows)
