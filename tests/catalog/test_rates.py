"""The shared, dated rate table: storage by node kind and month, fixed costs, handling."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from worldpool.catalog.rates import load_rates, read_rates
from worldpool.errors import InputError


def test_packaged_rates_have_sources_dates_and_peak_months() -> None:
    """FBA peak (Oct-Dec) is about 3x off-peak; the hub has no peak; all sourced."""
    rt = load_rates()
    assert all(r.source and r.effective_date for r in rt.rates)
    assert rt.storage_m3_day("fc", 11) == pytest.approx(84.75 * 12 / 365)
    assert rt.peak_factor("fc", 11) == pytest.approx(84.75 / 27.55)
    assert rt.peak_factor("fc", 3) == pytest.approx(1.0)
    assert rt.peak_factor("hub", 12) == pytest.approx(1.0)
    assert rt.storage_m3_day("hub", 6) < rt.storage_m3_day("fc", 6)
    assert rt.shipment_fixed("sea") > 0 and rt.handling_unit("fc") > 0
    assert rt.freight("sea").basis == "m3"


def test_a_user_file_replaces_rows_by_id_and_a_market_row_wins(tmp_path: Path) -> None:
    """Same id replaces the packaged row; a market's own row beats ``*``."""
    f = tmp_path / "rates.csv"
    f.write_text(
        "id,kind,node_kind,mode,market,months,basis,rate,currency,source,effective_date\n"
        "shipment-sea,shipment,,sea,*,*,shipment,10,USD,mine,2026-01-01\n"
        "shipment-sea-DE,shipment,,sea,DE,*,shipment,20,USD,mine,2026-01-01\n"
    )
    rt = load_rates(f)
    assert rt.shipment_fixed("sea") == 10.0
    assert rt.shipment_fixed("sea", "DE") == 20.0
    old = load_rates(f, as_of=date(2025, 6, 1))
    assert old.shipment_fixed("sea") == 300.0


def test_a_bad_row_names_the_file_line_and_field(tmp_path: Path) -> None:
    """A negative rate or unknown kind is refused with the line number."""
    f = tmp_path / "bad.csv"
    f.write_text(
        "id,kind,node_kind,mode,market,months,basis,rate,currency,source,effective_date\n"
        "x,storage,fc,,*,13,m3_month,1,USD,s,2025-01-01\n"
    )
    with pytest.raises(InputError, match=r"bad\.csv line 2: months"):
        read_rates(f)
