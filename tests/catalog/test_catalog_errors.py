from datetime import date
from pathlib import Path

import pytest

from worldpool.catalog import load_catalog
from worldpool.errors import CatalogError

BASE = {
    "lanes.csv": {
        "id": "CN-SZX>US-FC1:test", "origin": "CN-SZX", "destination": "US-FC1",
        "mode": "air", "p50_days": "5", "p90_days": "9", "cost_per_kg": "5",
        "cost_per_m3": "0", "cost_per_parcel": "0", "dim_divisor": "6000",
        "currency": "USD", "source": "test", "effective_date": "2025-01-01",
    },
    "nodes.csv": {
        "id": "XX-FC1", "name": "Test FC", "kind": "fc", "country": "DE",
        "markets": "DE", "storage_cost_m3_day": "1", "currency": "USD",
        "capacity_m3": "100", "source": "test", "effective_date": "2025-01-01",
    },
    "marketplaces.csv": {
        "id": "AT", "name": "Amazon.at", "country": "AT", "currency": "EUR",
        "customs_zone": "EU", "vat_rate": "0.20", "duty_dm_value": "0",
        "duty_dm_currency": "EUR", "duty_dm_basis": "none", "tax_dm_value": "0",
        "tax_dm_currency": "EUR", "tax_dm_basis": "IOSS", "tax_scheme": "IOSS",
        "notes": "", "source": "test", "effective_date": "2025-01-01",
    },
    "channels.csv": {
        "id": "etsy", "name": "Etsy", "source": "https://www.etsy.com",
        "effective_date": "2025-01-01",
    },
}  # fmt: skip


def csv_text(row: dict[str, str], rows: int = 1) -> str:
    header = ",".join(row)
    line = ",".join(f'"{value}"' for value in row.values())
    return "\n".join([header, *[line] * rows]) + "\n"


# (file, column, bad value, expected error field); None drops the column.
DEFECTS = [
    ("lanes.csv", "currency", None, "currency"),
    ("lanes.csv", "cost_per_kg", "five", "cost_per_kg"),
    ("lanes.csv", "cost_per_m3", "-1", "cost_per_m3"),
    ("lanes.csv", "p90_days", "4", "p90_days"),
    ("lanes.csv", "p50_days", "0", "p50_days"),
    ("lanes.csv", "mode", "rail", "mode"),
    ("lanes.csv", "dim_divisor", "5000.5", "dim_divisor"),
    ("lanes.csv", "currency", "usd", "currency"),
    ("lanes.csv", "origin", "US-FC1", "origin"),
    ("lanes.csv", "origin", "XX-HUB", "origin"),
    ("lanes.csv", "destination", "XX-FC9", "destination"),
    ("lanes.csv", "destination", "US", "destination"),
    ("lanes.csv", "effective_date", "2025/01/01", "effective_date"),
    ("lanes.csv", "source", "", "source"),
    ("nodes.csv", "kind", "depot", "kind"),
    ("nodes.csv", "country", "Germany", "country"),
    ("nodes.csv", "markets", "DE;XX", "markets"),
    ("nodes.csv", "markets", "", "markets"),
    ("nodes.csv", "capacity_m3", "0", "capacity_m3"),
    ("marketplaces.csv", "vat_rate", "20", "vat_rate"),
    ("marketplaces.csv", "vat_rate", "20%", "vat_rate"),
    ("marketplaces.csv", "duty_dm_currency", "EURO", "duty_dm_currency"),
    ("channels.csv", "effective_date", "", "effective_date"),
]


@pytest.mark.parametrize(("name", "column", "value", "field"), DEFECTS)
def test_bad_file_names_file_row_and_field(
    tmp_path: Path, name: str, column: str, value: str | None, field: str
) -> None:
    """A defective override raises CatalogError naming its file, row and field."""
    row = dict(BASE[name])
    if value is None:
        del row[column]
    else:
        row[column] = value
    path = tmp_path / name
    path.write_text(csv_text(row), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog([path], as_of=date(2026, 1, 1))
    error = info.value
    assert (error.record, error.field) == (str(path), field)
    assert error.row == (0 if value is None else 1)
    assert str(path) in str(error) and repr(field) in str(error)


@pytest.mark.parametrize("name", sorted(BASE))
def test_valid_base_rows_load(tmp_path: Path, name: str) -> None:
    """The undamaged base row of each file loads (so each defect is the cause)."""
    path = tmp_path / name
    path.write_text(csv_text(BASE[name]), encoding="utf-8")
    load_catalog([path], as_of=date(2026, 1, 1))


def test_duplicate_id_and_date_names_second_row(tmp_path: Path) -> None:
    """Two rows with one id and one effective_date are refused at the second."""
    path = tmp_path / "channels.csv"
    path.write_text(csv_text(BASE["channels.csv"], rows=2), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog([path])
    assert (info.value.row, info.value.field) == (2, "effective_date")


def test_ragged_row_is_refused(tmp_path: Path) -> None:
    """A row with more cells than the header is refused with its row number."""
    path = tmp_path / "channels.csv"
    path.write_text(csv_text(BASE["channels.csv"]) + "a,b,c,2025-01-01,extra\n")
    with pytest.raises(CatalogError) as info:
        load_catalog([path])
    assert (info.value.record, info.value.row) == (str(path), 2)


def test_dangling_reference_is_checked_after_merge(tmp_path: Path) -> None:
    """An FC serving a marketplace added by a later override is accepted."""
    nodes, markets = tmp_path / "n", tmp_path / "m"
    nodes.mkdir()
    markets.mkdir()
    node = dict(BASE["nodes.csv"], markets="AT")
    (nodes / "nodes.csv").write_text(csv_text(node), encoding="utf-8")
    with pytest.raises(CatalogError, match="unknown marketplace"):
        load_catalog([nodes], as_of=date(2026, 1, 1))
    market = csv_text(BASE["marketplaces.csv"])
    (markets / "marketplaces.csv").write_text(market, encoding="utf-8")
    catalog = load_catalog([nodes, markets], as_of=date(2026, 1, 1))
    assert catalog.fcs_for("AT")[0].id == "XX-FC1"
