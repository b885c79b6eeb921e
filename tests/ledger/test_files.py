from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from worldpool.errors import InputError
from worldpool.ledger.asn_file import parse_asn_file
from worldpool.ledger.sku_file import parse_sku_file

MARKETS = {"US", "DE", "UK"}


def write(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_sku_file_units_and_dimensions(tmp_path: Path) -> None:
    """Weights in g/lb and volumes as cm dimensions are converted to kg and m³."""
    f = write(
        tmp_path,
        "sku,title,unit_cost,currency,unit_weight_g,length_cm,width_cm,height_cm,listed_markets,ffo_markets\n"
        "A,Mug,3.2,usd,400,10,10,20,*,US;de\n",
    )
    parsed = parse_sku_file(f, MARKETS)
    ((_, rec),) = parsed.records
    assert rec.unit_weight_kg == Decimal("0.4")
    assert rec.unit_volume_m3 == Decimal("0.002")
    assert rec.currency == "USD"
    assert rec.listed_markets == ("DE", "UK", "US") and rec.ffo_markets == ("DE", "US")


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("B,Lamp,5,USD,1200,,0.01,,,", "unit_weight_kg"),  # 1200 kg: grams typed as kg
        ("B,Lamp,5,USD,1.2,,,,,", "unit_volume_m3"),
        ("B,Lamp,5,USD,1.2,,12,,,", "unit_volume_m3"),  # 12 m³ per unit: cm³ as m³
        ("B,Lamp,abc,USD,1.2,,0.01,,,", "unit_cost"),
        ("B,Lamp,5,DOLLARS,1.2,,0.01,,,", "currency"),
        ("B,Lamp,5,USD,1.2,,0.01,4006381333932,,", "gtin"),
        ("B,Lamp,5,USD,1.2,,0.01,,12345,", "hs_code"),
        ("B,Lamp,5,USD,1.2,,0.01,,,XX", "listed_markets"),
        (",Lamp,5,USD,1.2,,0.01,,,", "sku"),
        ("B,Lamp,5,USD,-1,,0.01,,,", "unit_weight_kg"),
    ],
)
def test_sku_file_bad_row_named(tmp_path: Path, row: str, field: str) -> None:
    """A bad SKU row is rejected with its row number and field; good rows are kept."""
    header = "sku,title,unit_cost,currency,unit_weight_kg,unit_weight_g,unit_volume_m3,gtin,hs_code,listed_markets\n"
    good = "A,Mug,3,USD,0.4,,0.002,4006381333931,6912.00,US\n"
    parsed = parse_sku_file(
        write(tmp_path, header + good + row + "\n" + good.replace("A,", "C,")), MARKETS
    )
    assert [r.sku for _, r in parsed.records] == ["A", "C"]
    (err,) = parsed.errors
    assert (err.row, err.field) == (2, field)
    assert "row 2" in err.message and str(tmp_path) in err.message


def test_sku_file_missing_column_refused(tmp_path: Path) -> None:
    """A file without a required column is refused whole, naming the column."""
    with pytest.raises(InputError) as info:
        parse_sku_file(write(tmp_path, "sku,title\nA,Mug\n"), MARKETS)
    assert info.value.field == "unit_cost"


def test_asn_file_keeps_good_rows(tmp_path: Path) -> None:
    """An ASN with bad rows keeps the good ones and reports each bad one."""
    f = write(
        tmp_path,
        "asn_id,sku,node,qty\n"
        "A1,MUG,CN-SZX,10\nA1,MUG,CN-SZX,5\nA1,LAMP,US-FC1,3\nA1,PEN,CN-SZX,2.5\n"
        "A1,CUP,CN-SZX,0\nA1,BOX,CN-SZX,7\n",
    )
    parsed = parse_asn_file(f, {"CN-SZX", "VN-SGN"})
    assert [(m.sku, m.qty, m.idempotency_key) for _, m in parsed.records] == [
        ("MUG", 10, "asn:A1:MUG"),
        ("BOX", 7, "asn:A1:BOX"),
    ]
    assert [(e.row, e.field) for e in parsed.errors] == [
        (2, "line"),
        (3, "node"),
        (4, "qty"),
        (5, "qty"),
    ]


def test_asn_line_column_separates_repeats(tmp_path: Path) -> None:
    """With a line column, one SKU may appear on two ASN lines."""
    f = write(
        tmp_path,
        "asn_id,line,sku,node,qty,received_at\n"
        "A1,1,MUG,CN-SZX,10,2026-11-01T08:00\nA1,2,MUG,CN-SZX,5,2026-11-01\n",
    )
    parsed = parse_asn_file(f, {"CN-SZX"})
    assert [m.idempotency_key for _, m in parsed.records] == ["asn:A1:1", "asn:A1:2"]
    assert parsed.records[0][1].at is not None and parsed.records[0][1].at.tzinfo
