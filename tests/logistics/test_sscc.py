from __future__ import annotations

import pytest

from worldpool.errors import InputError
from worldpool.logistics.sscc import gs1_check_digit, make_sscc, sscc_is_valid


def test_gs1_example_sscc() -> None:
    """The GS1 General Specifications example SSCC comes out digit for digit."""
    assert make_sscc("0614141", 123456789, extension=1) == "106141411234567897"


def test_check_digit_matches_gtin_rule() -> None:
    """The mod-10 rule gives the known check digit of a GTIN-13 body."""
    assert gs1_check_digit("400638133393") == 1


def test_every_made_sscc_is_valid_and_a_changed_digit_is_not() -> None:
    """make_sscc output validates; altering any one digit breaks the check."""
    code = make_sscc("06141410", 42)
    assert len(code) == 18 and sscc_is_valid(code)
    for i in range(17):
        bad = code[:i] + str((int(code[i]) + 1) % 10) + code[i + 1 :]
        assert not sscc_is_valid(bad)


@pytest.mark.parametrize(
    ("prefix", "serial", "ext"),
    [("123", 1, 0), ("0614141", 10**9, 0), ("0614141", 1, 10)],
)
def test_bad_parts_are_refused(prefix: str, serial: int, ext: int) -> None:
    """A short prefix, an overflowing serial or a bad extension raise InputError."""
    with pytest.raises(InputError):
        make_sscc(prefix, serial, ext)
