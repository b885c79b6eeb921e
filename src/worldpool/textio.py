"""The input boundary for text: files and payloads decoded one way, everywhere.

Sellers send what their tools export: UTF-8 (with or without a BOM), UTF-16
("Unicode text" from Excel) and GB18030/GBK (Chinese Excel and seller-centre
exports). :func:`sniff_encoding` picks the encoding from a file's first bytes,
:func:`open_text` streams a file in it (memory does not grow with file size),
:func:`decode_text` decodes a payload, and :func:`load_json` parses JSON with
size and depth limits; :func:`parse_pairs` reads ``name=value`` settings as a
person types them (CLI options, cockpit text areas). Anything else (a binary
file, a spreadsheet, a zip) is an :class:`~worldpool.errors.InputError`
naming the file, never a traceback.
Standard library only.
"""

from __future__ import annotations

import codecs
import io
import json
from pathlib import Path
from typing import IO, Any

from worldpool.errors import InputError

__all__ = [
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "decode_text",
    "load_json",
    "open_text",
    "parse_pairs",
    "sniff_encoding",
]

MAX_JSON_BYTES = 20 * 1024 * 1024
"""Largest JSON document read, in bytes."""

MAX_JSON_DEPTH = 64
"""Deepest nesting of arrays/objects accepted in a JSON document."""

_SAMPLE = 64 * 1024
_SCAN_CHARS = 1024 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY_MAGIC = (
    (b"PK\x03\x04", "a zip archive or an .xlsx workbook (save it as CSV)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel/Office file (save it as CSV)"),
    (b"%PDF", "a PDF"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\x89PNG", "a PNG image"),
)


def sniff_encoding(head: bytes, record: str) -> str:
    """Return the Python codec of text starting with ``head`` (its first bytes).

    Args:
        head: The first bytes (up to 64 KiB is plenty).
        record: File or payload name for the error message.

    Raises:
        InputError: when the bytes are not text in a supported encoding.
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise InputError(f"this is {what}, not a text file", record=record)
    if head[1::2].count(0) > len(head) // 4 and 0 not in head[0::2][:64]:
        return "utf-16-le"  # UTF-16 without a BOM: every other byte is NUL
    if 0 in head:
        raise InputError("this is a binary file, not text (NUL bytes)", record=record)
    for codec in ("utf-8", "gb18030"):
        try:
            # An incremental decoder tolerates a character cut at the sample's end.
            codecs.getincrementaldecoder(codec)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return codec
    raise InputError(
        "text is neither UTF-8, UTF-16 nor GB18030; save it as UTF-8", record=record
    )


def open_text(path: Path) -> IO[str]:
    """Open ``path`` for streaming text in its detected encoding (CSV-ready).

    Raises:
        InputError: when the file is missing, unreadable or not text.
    """
    record = str(path)
    try:
        raw = path.open("rb")
    except FileNotFoundError:
        raise InputError("file not found", record=record) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", record=record) from None
    try:
        codec = sniff_encoding(raw.peek(_SAMPLE)[:_SAMPLE], record)
    except BaseException:
        raw.close()
        raise
    return io.TextIOWrapper(raw, encoding=codec, newline="")


def decode_text(raw: bytes, record: str) -> str:
    """Return ``raw`` decoded in its detected encoding (BOM stripped).

    Raises:
        InputError: when ``raw`` is not text in a supported encoding.
    """
    codec = sniff_encoding(raw[:_SAMPLE], record)
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid {codec} text at byte {exc.start}", record=record
        ) from None


def load_json(raw: bytes | str, record: str) -> Any:
    """Parse a JSON document with size and depth limits.

    Args:
        raw: The document (bytes in any supported encoding, or text).
        record: File or payload name for the error message.

    Raises:
        InputError: when the document is too big, too deep, or not JSON.
    """
    if len(raw) > MAX_JSON_BYTES:
        raise InputError(
            f"JSON document larger than {MAX_JSON_BYTES // 1024 // 1024} MiB",
            record=record,
        )
    text = decode_text(raw, record) if isinstance(raw, bytes) else raw
    # The exact depth scan is linear but slow in Python: it runs on documents
    # up to 1 MiB; a bigger one still cannot exhaust the stack (RecursionError).
    too_deep = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
    if len(text) <= _SCAN_CHARS and _depth(text) > MAX_JSON_DEPTH:
        raise InputError(too_deep, record=record)
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError(too_deep, record=record) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            record=record,
        ) from None


def _depth(text: str) -> int:
    """Return the deepest bracket nesting of a JSON text (strings skipped)."""
    deepest = depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_pairs(
    items: list[str], record: str, *, json_values: bool = True
) -> dict[str, Any]:
    """Return ``name=value`` items as a dict (blank items skipped).

    Args:
        items: One ``name=value`` per item (a CLI option each, or a text
            area's lines).
        record: What they are, for errors (``--set``, ``settings`` ...).
        json_values: Read a value as JSON where it parses (``5``, ``true``,
            ``{"a": 1}``), else keep the text; False keeps every value as
            typed (credentials).

    Raises:
        InputError: an item has no ``=`` or no name (names the item's
            position, never its value).
    """
    out: dict[str, Any] = {}
    for n, item in enumerate(items, start=1):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            # Not the item itself: a credential typed without its name is secret.
            raise InputError("expected name=value", record=record, row=n, field=record)
        if json_values:
            try:
                out[name] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        out[name] = value
    return out
