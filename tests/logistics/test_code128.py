from __future__ import annotations

import numpy as np
import pytest
import zxingcpp

from worldpool.errors import InputError
from worldpool.logistics.code128 import PATTERNS, encode, modules


def _image(widths: list[int], px: int = 3) -> np.ndarray:
    """Rasterise bar/space widths (bar first) with a 10-module quiet zone."""
    row = [255] * 10 * px
    for i, w in enumerate(widths):
        row += [0 if i % 2 == 0 else 255] * w * px
    row += [255] * 10 * px
    return np.tile(np.array(row, dtype=np.uint8), (60, 1))


def _decode(widths: list[int]) -> zxingcpp.Result:
    found = zxingcpp.read_barcodes(_image(widths))
    assert len(found) == 1
    return found[0]


def test_patterns_have_the_symbology_widths() -> None:
    """Every character is 3 bars + 3 spaces of 11 modules; the stop is 13 modules."""
    assert len(PATTERNS) == 107
    assert all(len(p) == 6 and sum(map(int, p)) == 11 for p in PATTERNS[:106])
    assert sum(map(int, PATTERNS[106])) == 13
    assert len(set(PATTERNS)) == 107


@pytest.mark.parametrize(
    "text",
    [
        "".join(chr(c) for c in range(32, 127)),
        "".join(f"{n:02d}" for n in range(100)),
        "SHP-ABC1234567x",
        "12345",
    ],
)
def test_an_independent_decoder_reads_what_we_encode(text: str) -> None:
    """zxing-cpp decodes our bar widths back to the text (code sets B and C, all values)."""
    assert _decode(modules(text)).text == text


def test_gs1_128_sscc_carries_fnc1_and_the_ai() -> None:
    """A GS1-128 symbol of 00 + SSCC decodes as GS1 content with FNC1 first."""
    result = _decode(modules("00106141411234567897", gs1=True))
    assert result.text == "(00)106141411234567897"
    assert result.symbology_identifier == "]C1"


def test_check_character_is_mod_103_weighted() -> None:
    """The check character is start + sum(position x value) mod 103."""
    values = encode("AB")
    assert values[0] == 104 and values[1:3] == [33, 34]
    assert values[3] == (104 + 1 * 33 + 2 * 34) % 103 and values[-1] == 106


def test_non_ascii_is_refused() -> None:
    """Characters outside printable ASCII raise InputError."""
    with pytest.raises(InputError):
        encode("Größe")
