"""Hand-built fee books and markets whose unit economics can be worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from worldpool.catalog.fx import FxRate, FxTable
from worldpool.customs.rules import CustomsRules, load_rules
from worldpool.domain.market import Marketplace, Threshold
from worldpool.domain.money import Money
from worldpool.domain.product import SkuRecord
from worldpool.profit import EconomicsProblem, FeeBook
from worldpool.profit._records import (
    Elasticity,
    FulfilmentFee,
    Incentive,
    ReferralFee,
    ReturnRate,
    StorageFee,
)

DAY = date(2026, 6, 1)
D = Decimal


def referral(
    rate: str, max_price: str = "0", basis: str = "total", n: int = 1
) -> ReferralFee:
    """One referral tier of channel ``shop`` in market XX."""
    return ReferralFee(
        f"r{n}",
        "shop",
        "XX",
        "*",
        D(max_price),
        basis,
        D(rate),
        D("0.30"),
        "USD",
        "test",
        DAY,
    )


def book(
    *, rebate: str | None = None, tiers: tuple[ReferralFee, ...] = (), b2b: bool = False
) -> FeeBook:
    """A fee book: 15% referral, USD 3.00 fulfilment, USD 10/m3/month, 5% returns."""
    incentives = (
        (
            Incentive(
                "nsr", "shop", "XX", "rebate", D(rebate), 0, 12, D(0), "USD", "t", DAY
            ),
        )
        if rebate
        else ()
    )
    if b2b:
        incentives += (
            Incentive(
                "b10",
                "shop",
                "*",
                "b2b_discount",
                D("0.05"),
                10,
                0,
                D(0),
                "USD",
                "t",
                DAY,
            ),
            Incentive(
                "b50",
                "shop",
                "*",
                "b2b_discount",
                D("0.10"),
                50,
                0,
                D(0),
                "USD",
                "t",
                DAY,
            ),
        )
    return FeeBook(
        as_of=DAY,
        referral=tiers or (referral("0.15"),),
        fulfilment=(
            FulfilmentFee(
                "f",
                "3PL",
                "XX",
                "parcel",
                D(5),
                D("0.1"),
                D(3),
                D(0),
                D(0),
                "USD",
                "t",
                DAY,
            ),
        ),
        storage=(
            StorageFee("s", "3PL", "XX", "monthly", (), 0, D(10), "USD", "t", DAY),
        ),
        duties=(),
        incentives=incentives,
        elasticities=(Elasticity("e", "*", D("-2"), D("0.5"), "t", DAY),),
        returns=(
            ReturnRate("r", "*", "*", D("0.05"), D("0.5"), D(0), "USD", "t", DAY),
        ),
    )


@pytest.fixture(scope="session")
def rules() -> CustomsRules:
    """The packaged customs rules (none apply to market XX)."""
    return load_rules(DAY)


@pytest.fixture
def market() -> Marketplace:
    """Market XX: USD, 20 % VAT included in prices, no de minimis, no customs rows."""
    none = Threshold(D(0), "USD", "none")
    return Marketplace(
        "XX", "Test shop", "XX", "USD", "XX", D("0.20"), none, none, "none", "test", DAY
    )


@pytest.fixture
def sku() -> SkuRecord:
    """USD 5.00 unit cost, 0.5 kg, 0.01 m3, category home."""
    return SkuRecord(
        "T-1",
        "Test item",
        D("0.5"),
        D("0.01"),
        D(5),
        "USD",
        hs_code="999999",
        category="home",
    )


@pytest.fixture
def problem(sku: SkuRecord, market: Marketplace) -> EconomicsProblem:
    """SKU T-1 in XX via a 3PL, USD 1.00 freight, 10 % duty, 1.5 months stored."""
    return EconomicsProblem(
        sku,
        market,
        Money(D(1), "USD"),
        mode="3pl",
        channel="shop",
        batch_units=1,
        duty_rate=D("0.10"),
        months_in_stock=D("1.5"),
    )


@pytest.fixture
def fx() -> FxTable:
    """An FX table with one rate (unused by USD problems)."""
    return FxTable.of([FxRate("USD", "EUR", D("0.9"), "test", DAY)])
