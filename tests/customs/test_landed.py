from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from worldpool.catalog import load_catalog
from worldpool.customs import (
    FxRate,
    FxTable,
    LandedCost,
    LandedCostProblem,
    landed_cost,
    load_rules,
)
from worldpool.customs.landed import item_categories
from worldpool.domain.money import Money
from worldpool.errors import InputError

DAY = date(2026, 11, 2)


def problem(market: str, **changes: Any) -> LandedCostProblem:
    base = LandedCostProblem(
        sku="MUG-01",
        hs_code="691110",
        quantity=100,
        unit_cost=Money(Decimal("2.00"), "USD"),
        freight_per_unit=Money(Decimal("0.50"), "USD"),
        insurance_per_unit=Money(Decimal("0.02"), "USD"),
        destination=load_catalog(as_of=DAY).marketplace(market),
    )
    return replace(base, **changes)


def line(cost: LandedCost, name: str) -> Decimal:
    return next(ln.amount.amount for ln in cost.lines if ln.name == name)


def test_eu_transfer_duty_on_cif_and_recoverable_vat(fx: FxTable) -> None:
    """DE: 12 % CET duty on CIF, 19 % VAT on CIF + duty, left out of the total."""
    cost = landed_cost(problem("DE"), load_rules(DAY), fx)
    eur = Decimal(1) / Decimal("1.08")
    cif = Decimal("252") * eur
    assert cost.total.currency == "EUR"
    assert line(cost, "duty") == (cif * Decimal("0.12")).quantize(Decimal("0.01"))
    assert line(cost, "import VAT/GST") == (
        cif * Decimal("1.12") * Decimal("0.19")
    ).quantize(Decimal("0.01"))
    assert cost.total.amount == sum(
        ln.amount.amount for ln in cost.lines if "VAT" not in ln.name
    )
    assert abs(cost.total.amount - cif * Decimal("1.12")) <= Decimal("0.02")
    assert "EU CET 2020" in next(ln.source for ln in cost.lines if ln.name == "duty")


def test_eu_low_value_parcel_pays_flat_duty_and_vat(fx: FxTable) -> None:
    """A DE parcel under EUR 150 pays the EUR 3 flat duty and non-recoverable VAT."""
    p = problem("DE", quantity=2, kind="parcel", vat_recoverable=False)
    cost = landed_cost(p, load_rules(DAY), fx)
    assert line(cost, "duty") == Decimal("3.00")
    vat = line(cost, "import VAT/GST")
    assert vat > 0
    assert cost.total.amount == sum(ln.amount.amount for ln in cost.lines)


def test_us_duty_on_fob_without_vat_plus_mpf(fx: FxTable) -> None:
    """US: duty on FOB from the HTS (highest line, noted), no VAT, MPF by entry type.

    FY2026 MPF (CBP Dec. 25-10, 90 FR 34665): informal USD 2.69, formal 0.3464 %
    with a USD 33.58 minimum; FY2025 (89 FR 59126): 2.62 and 32.71.
    """
    rules = load_rules(DAY)
    cost = landed_cost(problem("US"), rules, fx)
    assert line(cost, "duty") == Decimal("52.00")
    assert line(cost, "import VAT/GST") == 0
    assert line(cost, "us-mpf-informal") == Decimal("2.69")
    assert any("national lines" in n for n in cost.notes)
    formal = landed_cost(problem("US", quantity=2000), rules, fx)
    assert line(formal, "us-mpf-formal") == Decimal("33.58")
    assert "us-mpf-informal" not in {ln.name for ln in formal.lines}
    fy2025 = load_rules(date(2025, 9, 30))
    assert line(landed_cost(problem("US"), fy2025, fx), "us-mpf-informal") == Decimal(
        "2.62"
    )


def test_us_informal_entry_up_to_2500_formal_above(fx: FxTable) -> None:
    """USD 2,500 exactly is still an informal entry (19 CFR 143.21(a)); a cent more is formal."""
    rules = load_rules(DAY)
    at = landed_cost(
        problem("US", quantity=1250, freight_per_unit=Money(Decimal(0), "USD")),
        rules,
        fx,
    )
    assert "us-mpf-informal" in {ln.name for ln in at.lines}
    assert "us-mpf-formal" not in {ln.name for ln in at.lines}
    above = landed_cost(
        problem("US", quantity=1250, unit_cost=Money(Decimal("2.01"), "USD")), rules, fx
    )
    assert "us-mpf-formal" in {ln.name for ln in above.lines}


def test_eu_flat_duty_counts_distinct_hs6_in_the_parcel(fx: FxTable) -> None:
    """EUR 3 per item category: 5 mugs are one category; mugs + a T-shirt two.

    Each line carries its category's share, so the parcel's lines add up to
    EUR 3 x the number of distinct 6-digit subheadings.
    """
    rules = load_rules(DAY)
    assert item_categories(["6911.10", "691110", "6109.10.0012", "610910"]) == 2
    mugs = problem("DE", quantity=5, kind="parcel", vat_recoverable=False)
    assert line(landed_cost(mugs, rules, fx), "duty") == Decimal("3.00")
    parcel = ("691110", "610910", "610910")
    value = Money(Decimal("60"), "USD")
    shares = [
        line(
            landed_cost(
                replace(mugs, hs_code=code, parcel_hs_codes=parcel, parcel_value=value),
                rules,
                fx,
            ),
            "duty",
        )
        for code in parcel
    ]
    assert shares == [Decimal("3.00"), Decimal("1.50"), Decimal("1.50")]
    assert sum(shares) == Decimal("6.00")


def test_eu_flat_duty_threshold_is_the_parcel_value(fx: FxTable) -> None:
    """EUR 150 exactly still pays EUR 3; over EUR 150 the normal CET rate applies."""
    rules = load_rules(DAY)
    mugs = problem("DE", quantity=5, kind="parcel", vat_recoverable=False)
    at = replace(mugs, parcel_value=Money(Decimal("150"), "EUR"))
    assert line(landed_cost(at, rules, fx), "duty") == Decimal("3.00")
    big = replace(mugs, parcel_value=Money(Decimal("150.01"), "EUR"))
    cost = landed_cost(big, rules, fx)
    assert "EU CET 2020" in next(ln.source for ln in cost.lines if ln.name == "duty")


def test_eu_flat_duty_ends_2028_07_01(fx: FxTable) -> None:
    """The interim duty runs 2026-07-01 to 2028-07-01; then the CET rate applies."""
    mugs = problem("DE", quantity=5, kind="parcel", vat_recoverable=False)
    before = landed_cost(mugs, load_rules(date(2028, 6, 30)), fx)
    after = landed_cost(mugs, load_rules(date(2028, 7, 1)), fx)
    assert line(before, "duty") == Decimal("3.00")
    assert "EU CET 2020" in next(ln.source for ln in after.lines if ln.name == "duty")


def test_au_import_processing_charge_bands() -> None:
    """ABF IPC: none at AUD 1,000 or less, AUD 50 above, AUD 152 from AUD 10,000."""
    aud = FxTable.of([FxRate("USD", "AUD", Decimal("1.5"), "test fixture", DAY)])
    rules = load_rules(DAY)
    free = Money(Decimal(0), "USD")

    def ipc(units: int) -> set[tuple[str, Decimal]]:
        p = problem(
            "AU", quantity=units, freight_per_unit=free, insurance_per_unit=free
        )
        cost = landed_cost(p, rules, aud)
        return {(ln.name, ln.amount.amount) for ln in cost.lines if "ipc" in ln.name}

    assert ipc(333) == set()  # AUD 999
    assert ipc(334) == {("au-ipc", Decimal("50.00"))}  # AUD 1,002
    assert ipc(3333) == {("au-ipc", Decimal("50.00"))}  # AUD 9,999
    assert ipc(3334) == {("au-ipc-10k", Decimal("152.00"))}  # AUD 10,002


def test_user_rate_when_tariff_does_not_cover(fx: FxTable) -> None:
    """JP has no packaged tariff: the user's duty rate is used, else 0 with a note."""
    rules = load_rules(DAY)
    without = landed_cost(problem("JP"), rules, fx)
    assert line(without, "duty") == 0
    assert any("no tariff data" in n for n in without.notes)
    with_rate = landed_cost(problem("JP", user_duty_rate=Decimal("0.05")), rules, fx)
    assert line(with_rate, "duty") > 0
    assert next(ln.source for ln in with_rate.lines if ln.name == "duty") == "user rate"


def test_missing_fx_rate_is_an_input_error() -> None:
    """Without a USD->EUR rate the landed cost names the missing pair."""
    with pytest.raises(InputError, match="USD/EUR"):
        landed_cost(problem("DE"), load_rules(DAY), FxTable.of(()))


def test_negative_cost_is_refused(fx: FxTable) -> None:
    """A negative unit cost is an InputError naming the field."""
    with pytest.raises(InputError, match="unit_cost"):
        landed_cost(
            problem("DE", unit_cost=Money(Decimal(-1), "USD")), load_rules(DAY), fx
        )


def test_breakdown_plain_data(fx: FxTable) -> None:
    """The plain form lists every component with its source and the FX used."""
    data: dict[str, Any] = landed_cost(problem("DE"), load_rules(DAY), fx).to_dict()
    names = [ln["name"] for ln in data["lines"]]
    assert names[:3] == ["product", "freight", "insurance"]
    assert data["fx"][0]["source"].startswith("test fixture")
