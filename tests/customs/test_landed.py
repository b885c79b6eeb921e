from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from worldpool.catalog import load_catalog
from worldpool.customs import (
    FxTable,
    LandedCost,
    LandedCostProblem,
    landed_cost,
    load_rules,
)
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
    """US: duty on FOB from the HTS (highest line, noted), no VAT, MPF by entry type."""
    rules = load_rules(DAY)
    cost = landed_cost(problem("US"), rules, fx)
    assert line(cost, "duty") == Decimal("52.00")
    assert line(cost, "import VAT/GST") == 0
    assert line(cost, "us-mpf-informal") == Decimal("2.62")
    assert any("national lines" in n for n in cost.notes)
    formal = landed_cost(problem("US", quantity=2000), rules, fx)
    assert line(formal, "us-mpf-formal") == Decimal("32.71")
    assert "us-mpf-informal" not in {ln.name for ln in formal.lines}


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
