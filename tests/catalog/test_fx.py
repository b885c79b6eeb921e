"""The dated FX table: rate in force on a day, inverse, USD cross, user override."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from worldpool.catalog.fx import FxRate, FxTable, load_fx
from worldpool.domain.money import Money
from worldpool.errors import InputError

D1, D2 = date(2026, 1, 1), date(2026, 6, 1)
TABLE = FxTable.of(
    [
        FxRate("USD", "EUR", Decimal("0.90"), "test", D1),
        FxRate("USD", "EUR", Decimal("0.80"), "test", D2),
        FxRate("USD", "GBP", Decimal("0.75"), "test", D1),
    ]
)


def test_rate_in_force_is_the_latest_on_or_before_the_day() -> None:
    """A day between two rows takes the older row; on the later day, the later one."""
    assert TABLE.rate("USD", "EUR", date(2026, 3, 1)).rate == Decimal("0.90")  # type: ignore[union-attr]
    assert TABLE.rate("USD", "EUR", D2).rate == Decimal("0.80")  # type: ignore[union-attr]
    assert TABLE.rate("USD", "EUR").rate == Decimal("0.80")  # type: ignore[union-attr]


def test_day_before_the_table_takes_its_earliest_rate() -> None:
    """A day older than every row gets the first rate, dated so the caller sees it."""
    r = TABLE.rate("USD", "EUR", date(2011, 1, 1))
    assert r is not None and r.rate == Decimal("0.90") and r.date == D1


def test_inverse_and_usd_cross() -> None:
    """EUR->USD inverts the USD->EUR row; EUR->GBP crosses through USD."""
    inv = TABLE.rate("EUR", "USD", D2)
    assert inv is not None and inv.rate == 1 / Decimal("0.80")
    cross = TABLE.convert(Money(Decimal("8"), "EUR"), "GBP", D2)
    assert cross == Money(Decimal("8") / Decimal("0.80") * Decimal("0.75"), "GBP")
    assert TABLE.rate("EUR", "JPY") is None


def test_user_file_replaces_the_packaged_history_of_its_pairs(tmp_path: Path) -> None:
    """A user's GBP rate wins even when older than the packaged row; others stay."""
    mine = tmp_path / "fx.csv"
    mine.write_text("base,quote,rate,source,date\nGBP,USD,1.25,my bank,2020-01-01\n")
    fx = load_fx(mine)
    assert fx.rate("USD", "GBP").rate == 1 / Decimal("1.25")  # type: ignore[union-attr]
    assert fx.rate("USD", "EUR") == load_fx().rate("USD", "EUR")


def test_bad_row_names_file_row_and_field(tmp_path: Path) -> None:
    """A rate without a source is refused with its row and field."""
    bad = tmp_path / "fx.csv"
    bad.write_text("base,quote,rate,source,date\nGBP,USD,1.25,,2020-01-01\n")
    with pytest.raises(InputError) as err:
        load_fx(bad)
    assert err.value.row == 1 and err.value.field == "source"
