"""SSCC-18 serial shipping container codes with the GS1 mod-10 check digit.

An SSCC is 18 digits: an extension digit (0-9, chosen by the company), the GS1
company prefix (7-10 digits), a serial reference filling the rest, and the
check digit. The same mod-10 rule as GTINs: from the right, excluding the check
digit, weights 3, 1, 3, 1 ...

References:
    GS1 General Specifications, sections 2.2.1 (SSCC) and 7.9 (check digit).
"""

from __future__ import annotations

from worldpool.errors import InputError

__all__ = ["gs1_check_digit", "make_sscc", "sscc_is_valid"]


def gs1_check_digit(body: str) -> int:
    """Return the GS1 mod-10 check digit of the digits ``body`` (without it)."""
    if not body.isdigit():
        raise InputError("GS1 keys are digits only", record="gs1", value=body)
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def make_sscc(company_prefix: str, serial: int, extension: int = 0) -> str:
    """Return the 18-digit SSCC for ``serial`` under ``company_prefix``.

    Args:
        company_prefix: GS1 company prefix, 7 to 10 digits.
        serial: Serial reference, unique per prefix (zero-padded to fit).
        extension: Extension digit, 0-9.

    Raises:
        InputError: a bad prefix or extension, or a serial too large to fit.
    """
    if not (company_prefix.isdigit() and 7 <= len(company_prefix) <= 10):
        raise InputError(
            "GS1 company prefix must be 7-10 digits",
            record="sscc",
            field="company_prefix",
            value=company_prefix,
        )
    if not 0 <= extension <= 9:
        raise InputError("extension digit is 0-9", record="sscc", field="extension")
    width = 16 - len(company_prefix)
    if not 0 <= serial < 10**width:
        raise InputError(
            f"serial does not fit {width} digits", record="sscc", value=serial
        )
    body = f"{extension}{company_prefix}{serial:0{width}d}"
    return body + str(gs1_check_digit(body))


def sscc_is_valid(code: str) -> bool:
    """Return True when ``code`` is 18 digits with a correct check digit."""
    if len(code) != 18 or not code.isdigit():
        return False
    return gs1_check_digit(code[:-1]) == int(code[-1])
