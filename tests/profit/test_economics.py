from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from tests.profit.conftest import book, referral
from worldpool.catalog.fx import FxTable
from worldpool.customs.rules import CustomsRules
from worldpool.domain.money import Money
from worldpool.errors import InputError
from worldpool.profit import EconomicsProblem, unit_economics
from worldpool.profit._resolve import resolve
from worldpool.profit.bulk import contribution, cost_table
from worldpool.profit.economics import referral_fee

D = Decimal


def _lines(result: object) -> dict[str, Decimal]:
    return {ln.name: ln.amount.amount for ln in result.lines}  # type: ignore[attr-defined]


def test_hand_computed_unit_economics(
    problem: EconomicsProblem, rules: CustomsRules, fx: FxTable
) -> None:
    """Price 24.00 incl. 20% VAT leaves 6.15 after fees, landed cost and returns.

    net 20.00; referral 15% of 24.00 = 3.60; fulfilment 3.00; storage
    10 x 0.01 x 1.5 = 0.15; landed 5 + 1 + 10% x 6 = 6.60; returns
    5% x 20 x 50% = 0.50; 20 - 3.60 - 3 - 0.15 - 6.60 - 0.50 = 6.15.
    """
    result = unit_economics(problem, Money(D(24), "USD"), book(), rules, fx)
    lines = _lines(result)
    assert lines["VAT/GST"] == D("-4.00")
    assert lines["net revenue"] == D("20.00")
    assert lines["referral fee"] == D("-3.60")
    assert lines["fulfilment fee"] == D("-3.00")
    assert lines["storage"] == D("-0.15")
    assert lines["landed cost"] == D("-6.60")
    assert lines["returns allowance"] == D("-0.50")
    assert result.contribution.amount == D("6.15")
    assert result.margin == D("6.15") / D("20.00")
    assert all(ln.why for ln in result.lines)


def test_rebate_adds_back_a_share_of_net_revenue(
    problem: EconomicsProblem, rules: CustomsRules, fx: FxTable
) -> None:
    """A 5% new-seller rebate adds 1.00 on 20.00 net, for new sellers only."""
    new = unit_economics(
        EconomicsProblem(**{**_fields(problem), "new_seller": True}),
        Money(D(24), "USD"),
        book(rebate="0.05"),
        rules,
        fx,
    )
    old = unit_economics(problem, Money(D(24), "USD"), book(rebate="0.05"), rules, fx)
    assert new.contribution.amount - old.contribution.amount == D("1.00")


def _fields(p: EconomicsProblem) -> dict[str, object]:
    return {name: getattr(p, name) for name in p.__dataclass_fields__}


def test_referral_tiers_total_and_portion() -> None:
    """Total tiers charge one rate on the whole price; portion tiers per slice."""
    total = (referral("0.05", "15", n=1), referral("0.17", "0", n=2))
    assert referral_fee(total, D(10)) == D("0.50")
    assert referral_fee(total, D(30)) == D("5.10")
    portion = (
        referral("0.20", "250", "portion", 1),
        referral("0.05", "0", "portion", 2),
    )
    assert referral_fee(portion, D(300)) == D("50.00") + D("2.50")
    assert referral_fee(portion, D(1)) == D("0.30")  # the minimum


def test_bulk_path_matches_the_explained_path(
    problem: EconomicsProblem, rules: CustomsRules, fx: FxTable
) -> None:
    """The vectorised margins equal the explained ones to the cent, tiers included."""
    tiers = (
        referral("0.20", "20", "portion", 1),
        referral("0.08", "0", "portion", 2),
    )
    fees = book(tiers=tiers, rebate="0.03")
    p = EconomicsProblem(**{**_fields(problem), "new_seller": True})
    table = cost_table([resolve(p, fees, rules, fx)])
    prices = [D("0.99"), D("9.99"), D("19.99"), D("24"), D("150")]
    fast = contribution(
        table, np.zeros(len(prices), dtype=np.intp), [float(x) for x in prices]
    )
    slow = [
        unit_economics(p, Money(x, "USD"), fees, rules, fx).contribution.amount
        for x in prices
    ]
    assert np.allclose(fast, [float(s) for s in slow], atol=0.03)


def test_bad_price_names_the_field(
    problem: EconomicsProblem, rules: CustomsRules, fx: FxTable
) -> None:
    """A price in another currency or not positive is an InputError on price."""
    with pytest.raises(InputError) as err:
        unit_economics(problem, Money(D(10), "EUR"), book(), rules, fx)
    assert err.value.field == "price"
    with pytest.raises(InputError):
        unit_economics(problem, Money(D(0), "USD"), book(), rules, fx)


def test_missing_fee_row_is_an_input_error(
    problem: EconomicsProblem, rules: CustomsRules, fx: FxTable
) -> None:
    """A channel with no fee row for the market says so."""
    p = EconomicsProblem(**{**_fields(problem), "channel": "nowhere"})
    with pytest.raises(InputError) as err:
        unit_economics(p, Money(D(10), "USD"), book(), rules, fx)
    assert err.value.field == "channel"


def test_b2b_quantity_discount_tiers(
    problem: EconomicsProblem, rules: CustomsRules, fx: FxTable
) -> None:
    """From 10 units 5% off, from 50 units 10% off: 24.00 -> 21.60 before VAT."""
    fees = book(b2b=True)
    one = unit_economics(problem, Money(D(24), "USD"), fees, rules, fx)
    bulk = EconomicsProblem(**{**_fields(problem), "quantity": 60})
    many = unit_economics(bulk, Money(D(24), "USD"), fees, rules, fx)
    assert "B2B discount" not in _lines(one)
    assert _lines(many)["B2B discount"] == D("-2.40")
    assert _lines(many)["net revenue"] == D("18.00")  # 21.60 / 1.2
    assert _lines(many)["referral fee"] == D("-3.24")  # 15% of 21.60
