from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from worldpool.errors import CatalogError
from worldpool.profit import load_fee_book
from worldpool.profit._csv import read_table
from worldpool.profit.fees import FILES

ALL_FILES = (*FILES, "registrations.csv")
US = ("US", "US")


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_packaged_row_has_source_and_date(name: str) -> None:
    """Every row of every profit data file names its source and effective date."""
    rows = read_table(name)
    assert rows
    for _, _, row, day in rows:
        assert row["source"].strip() and row["id"].strip()
        assert date(1990, 1, 1) < day < date(2030, 1, 1)


def test_row_without_source_is_refused(tmp_path: Path) -> None:
    """A seller file row with an empty source fails naming file, row and field."""
    (tmp_path / "referral_fees.csv").write_text(
        "id,channel,market,category,max_price,basis,rate,minimum,currency,source,"
        "effective_date\nmine,amazon,US,*,0,total,0.1,0,USD,,2026-01-01\n"
    )
    with pytest.raises(CatalogError) as err:
        load_fee_book(date(2026, 6, 1), (tmp_path,))
    assert err.value.field == "source" and err.value.row == 2
    assert "referral_fees.csv" in str(err.value.record)


def test_row_without_effective_date_is_refused(tmp_path: Path) -> None:
    """A row with no effective date is refused too."""
    (tmp_path / "incentives.csv").write_text(
        "id,channel,market,kind,rate,min_qty,months,cap,currency,source,effective_date\n"
        "x,amazon,US,rebate,0.05,0,12,0,USD,my contract,\n"
    )
    with pytest.raises(CatalogError) as err:
        load_fee_book(date(2026, 6, 1), (tmp_path,))
    assert err.value.field == "effective_date"


def _china_duties(day: date) -> dict[str, Decimal]:
    book = load_fee_book(day)
    return {d.id: d.rate for d in book.additional_duties(US, "CN", "9405.21")}


def test_additional_duties_follow_their_dates() -> None:
    """IEEPA China duties rise, stop on 2026-02-24; the s.122 surcharge lapses."""
    assert _china_duties(date(2025, 3, 10)) == {
        "us-s301-list3": Decimal("0.25"),
        "us-ieepa-fentanyl-cn": Decimal("0.20"),
    }
    march_2026 = _china_duties(date(2026, 3, 1))
    assert "us-ieepa-fentanyl-cn" not in march_2026
    assert march_2026["us-s122-surcharge"] == Decimal("0.10")
    assert _china_duties(date(2026, 8, 1)) == {"us-s301-list3": Decimal("0.25")}
    assert _china_duties(date(2018, 1, 1)) == {}


def test_duties_depend_on_origin_and_code() -> None:
    """Section 301 lines apply to China-origin goods of the listed headings only."""
    book = load_fee_book(date(2026, 8, 1))
    assert book.additional_duties(US, "VN", "9405.21") == ()
    assert book.additional_duties(US, "CN", "4819.10") == ()
    liion = book.additional_duties(US, "CN", "8507.60.00")
    assert [d.rate for d in liion] == [Decimal("0.25")]
    assert book.additional_duties(("DE", "EU"), "CN", "9405.21") == ()


def test_referral_schedule_prefers_the_most_specific_row() -> None:
    """Marketplace rows beat zone rows beat '*'; exact categories beat '*'."""
    book = load_fee_book(date(2026, 8, 1))
    us = book.referral_schedule("amazon", US, "electronics")
    assert [t.rate for t in us] == [Decimal("0.08")]
    de = book.referral_schedule("amazon", ("DE", "EU"), "garden")
    assert [t.id for t in de] == ["amazon-EU-default-1"]
    clothing = book.referral_schedule("amazon", US, "clothing")
    assert [t.max_price for t in clothing] == [Decimal(15), Decimal(20), Decimal(0)]
    assert book.referral_schedule("amazon", ("XX",), "home") == ()


def test_fee_rows_are_chosen_by_date() -> None:
    """A fee row is not in force before its effective date."""
    assert load_fee_book(date(2024, 6, 1)).referral_schedule("amazon", US, "home") == ()
    assert load_fee_book(date(2025, 1, 15)).referral_schedule("amazon", US, "home")


def test_override_file_replaces_rows_by_id(tmp_path: Path) -> None:
    """A seller's file replaces the packaged row of the same id and adds new ids."""
    (tmp_path / "referral_fees.csv").write_text(
        "id,channel,market,category,max_price,basis,rate,minimum,currency,source,"
        "effective_date\n"
        "amazon-US-home-1,amazon,US,home,0,total,0.12,0.30,USD,my contract,2025-06-01\n"
    )
    book = load_fee_book(date(2026, 1, 1), (tmp_path,))
    assert [t.rate for t in book.referral_schedule("amazon", US, "home")] == [
        Decimal("0.12")
    ]


def test_storage_peak_and_aged_rows() -> None:
    """Peak months take the peak rate; old stock adds the aged surcharge."""
    book = load_fee_book(date(2026, 8, 1))
    off, none = book.storage_rates("FBA", US, 3, 30)
    peak, aged = book.storage_rates("FBA", US, 11, 300)
    assert off is not None and peak is not None and none is None
    assert peak.rate_m3_month > off.rate_m3_month
    assert aged is not None and aged.min_age_days == 271


def test_changed_since_lists_rows_in_the_window() -> None:
    """changed_since returns the rows effective after the day, up to as_of."""
    book = load_fee_book(date(2026, 3, 1))
    ids = {i for _, i, _, _ in book.changed_since(date(2026, 1, 31))}
    assert ids == {
        "us-ieepa-fentanyl-cn",
        "us-ieepa-reciprocal-cn",
        "us-s122-surcharge",
    }
