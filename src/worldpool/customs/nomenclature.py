"""The HS 2022 nomenclature: chapters, headings and subheadings with their texts."""

from __future__ import annotations

import csv
import functools
import gzip
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

__all__ = ["Nomenclature", "hs_digits", "load_nomenclature", "read_packaged_csv"]


def read_packaged_csv(name: str) -> Iterator[dict[str, str]]:
    """Yield the rows of a packaged gzip CSV under ``worldpool/customs/data``.

    Args:
        name: File name, e.g. ``hs2022.csv.gz``.

    Returns:
        An iterator of rows as dicts keyed by the header.
    """
    raw = resources.files("worldpool.customs").joinpath("data", name).read_bytes()
    text = (
        gzip.decompress(raw).decode("utf-8") if name.endswith(".gz") else raw.decode()
    )
    yield from csv.DictReader(io.StringIO(text, newline=""))


def hs_digits(code: str) -> str:
    """Return ``code`` without dots or spaces (``8517.13`` -> ``851713``).

    Args:
        code: An HS or national tariff code as written by people.

    Returns:
        The digits only (other characters are dropped).
    """
    return "".join(ch for ch in code if ch.isdigit())


@dataclass(frozen=True, slots=True)
class Nomenclature:
    """HS codes of one edition with their official short descriptions."""

    edition: str
    """Edition name, e.g. ``HS 2022``."""
    texts: Mapping[str, str]
    """Description by code, for 2-digit chapters, 4-digit headings and 6-digit
    subheadings."""
    source: str
    """Where the nomenclature comes from."""

    def exists(self, code: str) -> bool:
        """Return True when the first 6 digits of ``code`` name a subheading.

        Args:
            code: An HS code of 6 digits or a national code of 8-10 digits.
        """
        digits = hs_digits(code)
        return len(digits) >= 6 and digits[:6] in self.texts

    def describe(self, code: str) -> str:
        """Return the description of a 2-, 4- or 6-digit code, or ``""``.

        Args:
            code: The HS code (dots allowed).
        """
        return self.texts.get(hs_digits(code), "")

    def path(self, code: str) -> tuple[str, str, str]:
        """Return the chapter, heading and subheading texts of a 6-digit code.

        Args:
            code: A 6-digit (or longer) HS code.
        """
        digits = hs_digits(code)
        return (
            self.describe(digits[:2]),
            self.describe(digits[:4]),
            self.describe(digits[:6]),
        )

    def subheadings(self) -> tuple[str, ...]:
        """Return every 6-digit subheading code, sorted."""
        return tuple(sorted(c for c in self.texts if len(c) == 6))


@functools.cache
def load_nomenclature() -> Nomenclature:
    """Return the packaged HS 2022 nomenclature (read once per process)."""
    texts = {
        row["code"]: row["description"] for row in read_packaged_csv("hs2022.csv.gz")
    }
    return Nomenclature(
        edition="HS 2022",
        texts=MappingProxyType(texts),
        source="WCO HS 2022 via UN Comtrade / datasets/harmonized-system (ODC-PDDL)",
    )
