"""Code 128 (and GS1-128) bar patterns, encoded here: no barcode library needed.

A symbol is a start character, data characters, a mod-103 check character and
the stop pattern; each character is three bars and three spaces whose widths (1-4
modules) sum to 11 (the stop: 4 bars, 3 spaces, 13 modules). Digits go in code
set C (two per character), other text in code set B. GS1-128 puts FNC1 right
after the start, and then element strings such as ``00`` + an SSCC.

References:
    ISO/IEC 15417:2007 Information technology - Code 128 bar code symbology
    specification. GS1 General Specifications, section 5.4 (GS1-128).
"""

from __future__ import annotations

from worldpool.errors import InputError

__all__ = ["PATTERNS", "encode", "modules"]

# Bar/space widths of symbol values 0..106 (106 is the stop pattern), from the
# symbology specification's table.
PATTERNS: tuple[str, ...] = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312",
    "132212", "221213", "221312", "231212", "112232", "122132", "122231", "113222",
    "123122", "123221", "223211", "221132", "221231", "213212", "223112", "312131",
    "311222", "321122", "321221", "312212", "322112", "322211", "212123", "212321",
    "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121",
    "313121", "211331", "231131", "213113", "213311", "213131", "311123", "311321",
    "331121", "312113", "312311", "332111", "314111", "221411", "431111", "111224",
    "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112",
    "421211", "212141", "214121", "412121", "111143", "111341", "131141", "114113",
    "114311", "411113", "411311", "113141", "114131", "311141", "411131", "211412",
    "211214", "211232", "2331112",
)  # fmt: skip
_START_B, _START_C, _CODE_B, _CODE_C, _FNC1, _STOP = 104, 105, 100, 99, 102, 106


def _digit_run(text: str, i: int) -> int:
    j = i
    while j < len(text) and text[j].isdigit():
        j += 1
    return j - i


def _values(text: str, gs1: bool) -> list[int]:
    """Return the symbol values of ``text`` (start, data; no check, no stop)."""
    for ch in text:
        if not 32 <= ord(ch) <= 126:
            raise InputError("Code 128 here encodes printable ASCII only", value=ch)
    run = _digit_run(text, 0)
    use_c = run >= 4 or (run == len(text) and run >= 2 and run % 2 == 0)
    out = [_START_C if use_c else _START_B]
    if gs1:
        out.append(_FNC1)
    i, in_c = 0, use_c
    while i < len(text):
        run = _digit_run(text, i)
        if in_c and run >= 2:
            out.append(int(text[i : i + 2]))
            i += 2
            continue
        if not in_c and run >= 4 and run % 2 == 0:
            out.append(_CODE_C)
            in_c = True
            continue
        if in_c:
            out.append(_CODE_B)
            in_c = False
        out.append(ord(text[i]) - 32)
        i += 1
    return out


def encode(text: str, *, gs1: bool = False) -> list[int]:
    """Return the symbol values of ``text`` including check character and stop.

    Args:
        text: Printable ASCII; runs of digits are packed two per character.
        gs1: Put FNC1 after the start (a GS1-128 symbol, e.g. ``00`` + SSCC).
    """
    values = _values(text, gs1)
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    return [*values, check, _STOP]


def modules(text: str, *, gs1: bool = False) -> list[int]:
    """Return the bar/space widths of the whole symbol, in modules, bar first.

    A renderer leaves a quiet zone of at least 10 modules on each side.

    Args:
        text: What to encode.
        gs1: GS1-128 (FNC1 after the start).
    """
    return [int(w) for v in encode(text, gs1=gs1) for w in PATTERNS[v]]
