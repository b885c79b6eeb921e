"""The text input boundary: encodings sellers' tools export, and garbage refused by name."""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worldpool.errors import InputError
from worldpool.textio import (
    decode_text,
    load_json,
    open_text,
    parse_pairs,
    sniff_encoding,
)

CSV = "sku,title,qty\nMUG-1,不锈钢保温杯 500ml,3\nPB-10,充电宝 20000mAh,1\n"


@pytest.mark.parametrize(
    "codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030", "gbk"]
)
def test_every_export_encoding_reads_the_same_rows(tmp_path: Path, codec: str) -> None:
    """UTF-8 (BOM or not), UTF-16 and GB18030/GBK files give identical CSV rows."""
    path = tmp_path / f"skus-{codec}.csv"
    path.write_bytes(CSV.encode(codec))
    with open_text(path) as handle:
        rows = list(csv.DictReader(handle))
    assert [r["title"] for r in rows] == ["不锈钢保温杯 500ml", "充电宝 20000mAh"]
    assert list(rows[0]) == ["sku", "title", "qty"]


@pytest.mark.parametrize(
    ("head", "words"),
    [
        (b"PK\x03\x04rest", "xlsx"),
        (b"%PDF-1.7", "PDF"),
        (b"\x00\x01\x02\x03binary\x00", "binary"),
        (b"\x1f\x8b\x08\x00", "gzip"),
    ],
)
def test_non_text_is_named(head: bytes, words: str) -> None:
    """A workbook, PDF, gzip or binary blob is an InputError saying what it is."""
    with pytest.raises(InputError, match=words) as info:
        sniff_encoding(head, "upload.csv")
    assert info.value.record == "upload.csv"


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    """Opening a missing file names it instead of raising FileNotFoundError."""
    with pytest.raises(InputError, match="file not found"):
        open_text(tmp_path / "nope.csv")


def test_deep_or_big_json_is_refused() -> None:
    """JSON nested 100,000 deep or beyond the size limit is refused, never a RecursionError."""
    with pytest.raises(InputError, match="nested deeper"):
        load_json(b"[" * 100_000 + b"]" * 100_000, "body")
    with pytest.raises(InputError, match="nested deeper"):
        load_json("[" * 70 + "]" * 70, "body")
    assert load_json('{"a": "[[[[[[[[["}', "body") == {"a": "[[[[[[[[["}


def test_json_in_utf16_is_read() -> None:
    """A UTF-16 JSON body (with BOM) decodes like UTF-8."""
    assert load_json('{"sku": "杯"}'.encode("utf-16"), "body") == {"sku": "杯"}


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_never_raise_anything_but_input_error(raw: bytes) -> None:
    """Arbitrary bytes either decode/parse or raise InputError -- nothing else."""
    for fn in (decode_text, load_json):
        with contextlib.suppress(InputError):
            fn(raw, "fuzz")


def test_name_value_pairs_read_json_values_and_name_a_bad_item() -> None:
    """Settings decode JSON; credentials stay as typed; a bad item names its place.

    The error never quotes the item (it may be a credential without its name).
    """
    got = parse_pairs(["timeout_s=5", "", " market = US ", 'x={"a": [1]}'], "settings")
    assert got == {"timeout_s": 5, "market": "US", "x": {"a": [1]}}
    assert parse_pairs(["token=5"], "credentials", json_values=False) == {"token": "5"}
    with pytest.raises(InputError) as bad:
        parse_pairs(["a=1", "secret-without-equals"], "credentials")
    assert bad.value.row == 2 and "secret-without-equals" not in str(bad.value)
