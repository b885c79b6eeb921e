"""Identifier helpers: GTIN check digits and ISO country codes."""

from __future__ import annotations

import re

__all__ = ["gtin_is_valid", "normalise_country"]

_GTIN = re.compile(r"^\d{8}$|^\d{12,14}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def gtin_is_valid(gtin: str) -> bool:
    """Return True when ``gtin`` is a GTIN-8/12/13/14 with a correct check digit.

    The GS1 mod-10 rule: from the right, excluding the check digit, digits are
    weighted 3, 1, 3, 1, ...; the check digit brings the sum to a multiple of 10.

    References:
        GS1 General Specifications, section 7.9 "Check digit calculation".
    """
    if not _GTIN.match(gtin):
        return False
    body, check = gtin[:-1], int(gtin[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def normalise_country(code: str) -> str:
    """Return an ISO 3166-1 alpha-2 code in capitals; ``UK`` becomes ``GB``.

    Raises:
        ValueError: when ``code`` is not two letters.
    """
    upper = code.strip().upper()
    if upper == "UK":
        return "GB"
    if not _COUNTRY.match(upper):
        raise ValueError(f"not an ISO 3166-1 alpha-2 country code: {code!r}")
    return upper
