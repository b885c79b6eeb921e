from __future__ import annotations

from decimal import Decimal

import pytest

from worldpool.domain import (
    Atp,
    AtpSource,
    Balance,
    Lane,
    Mode,
    Money,
    TransitTime,
    gtin_is_valid,
    normalise_country,
)


@pytest.mark.parametrize(
    ("gtin", "ok"),
    [
        ("4006381333931", True),  # GS1's own EAN-13 example
        ("4006381333932", False),
        ("036000291452", True),  # UPC-A
        ("96385074", True),  # EAN-8
        ("12345", False),
        ("40063813339ab", False),
    ],
)
def test_gtin_check_digit(gtin: str, ok: bool) -> None:
    """GTINs are accepted only with a valid GS1 mod-10 check digit and length."""
    assert gtin_is_valid(gtin) is ok


def test_country_codes() -> None:
    """UK is normalised to the ISO code GB; non-codes are refused."""
    assert normalise_country(" uk ") == "GB"
    assert normalise_country("de") == "DE"
    with pytest.raises(ValueError, match="Germany"):
        normalise_country("Germany")


def test_money_refuses_mixed_currencies() -> None:
    """Money adds within one currency and refuses to mix currencies."""
    assert Money(Decimal("1.10"), "EUR") + Money(2, "EUR") == Money(
        Decimal("3.10"), "EUR"
    )
    with pytest.raises(ValueError, match="convert"):
        Money(1, "EUR") + Money(1, "USD")
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(1, "euro")


def test_transit_time_lognormal_round_trips() -> None:
    """The log-normal fitted to P50/P90 gives back those percentiles."""
    import math

    mu, sigma = TransitTime(10, 16).lognormal()
    assert math.exp(mu) == pytest.approx(10)
    assert math.exp(mu + 1.2815515655446004 * sigma) == pytest.approx(16)
    with pytest.raises(ValueError):
        TransitTime(5, 4)


def test_lane_dimensional_weight() -> None:
    """A bulky parcel is charged by volume / divisor when that beats its weight."""
    from datetime import date

    lane = Lane(
        "L",
        "CN-SZX",
        "US",
        Mode.PARCEL,
        TransitTime(8, 14),
        Decimal(9),
        Decimal(0),
        Decimal("2.5"),
        8000,
        "USD",
        "test",
        date(2026, 1, 1),
    )
    # 0.016 m³ = 16,000 cm³ / 8000 = 2 kg chargeable vs 0.5 kg actual.
    assert lane.chargeable_kg(Decimal("0.5"), Decimal("0.016")) == Decimal(2)
    assert lane.cost(Decimal("0.5"), Decimal("0.016")) == Decimal("20.5")


def test_balance_and_atp_totals() -> None:
    """Available is on hand minus reserved; ATP totals its sources."""
    assert Balance("A", "N", 10, 4, 3).available == 6
    atp = Atp(
        "A", "US", (AtpSource("F", 3, False, 1, 2), AtpSource("H", 5, True, 9, 15))
    )
    assert atp.total == 8
