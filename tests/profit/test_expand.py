from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from worldpool.catalog import Catalog
from worldpool.customs.rules import CustomsRules, load_rules
from worldpool.domain.product import BatteryType, SkuRecord
from worldpool.profit.expand import (
    ExpandParams,
    LogisticsOption,
    checklist,
    launch_plan,
    load_registrations,
    logistics_options,
)

DAY = date(2026, 8, 1)


@pytest.fixture(scope="module")
def rules() -> CustomsRules:
    """Customs rules in force."""
    return load_rules(DAY)


def _sku(battery: BatteryType = BatteryType.NONE, hs: str = "940520") -> SkuRecord:
    return SkuRecord(
        "LAMP",
        "LED desk lamp",
        Decimal("0.8"),
        Decimal("0.004"),
        Decimal("6.5"),
        "USD",
        hs_code=hs,
        battery=battery,
        category="home",
    )


def test_battery_lamp_in_japan_needs_un383_and_pse(rules: CustomsRules) -> None:
    """A lamp with a contained battery needs the UN38.3 summary and the PSE mark."""
    items = checklist(
        _sku(BatteryType.CONTAINED),
        ("JP", "JP"),
        ("sea", "parcel"),
        rules,
        load_registrations(DAY),
    )
    texts = " | ".join(i.text for i in items)
    assert "UN38.3" in texts and "PSE" in texts
    assert items[0].kind == "document"
    assert all(i.source for i in items)


def test_germany_lists_ce_gpsr_and_packaging(rules: CustomsRules) -> None:
    """An electrical lamp for Germany: CE mark, EU responsible person, LUCID, WEEE, IOSS."""
    items = checklist(
        _sku(), ("DE", "EU"), ("sea", "parcel"), rules, load_registrations(DAY)
    )
    kinds = {(i.kind, i.source.split(":")[0]) for i in items}
    assert ("mark", "ce-eu") in kinds
    assert {"eu-gpsr-rp", "de-lucid", "de-weee"} <= {s for _, s in kinds}
    assert any(i.kind == "tax" and "IOSS" in i.text for i in items)


def test_loose_batteries_block_parcels(rules: CustomsRules, catalog: Catalog) -> None:
    """Loose lithium batteries cannot fly: the parcel lane is blocked, sea stays open."""
    sku = _sku(BatteryType.LOOSE, "850760")
    items = checklist(sku, ("AU", "AU"), ("sea", "air", "express", "parcel"), rules, ())
    options = logistics_options(catalog, "CN-SZX", "AU", sku, items)
    by_mode = {o.mode: o.blocked for o in options}
    assert by_mode["parcel"] and by_mode["air"] and not by_mode["sea"]
    plan = launch_plan(options, monthly_units=5, origin_margin=3.0)
    assert plan.strategy == "seed_stock" and plan.lane.endswith(":sea")


def _options() -> tuple[LogisticsOption, ...]:
    return (
        LogisticsOption("H>M:parcel", "parcel", Decimal("6"), "USD", 8, 13),
        LogisticsOption("H>M-FC1:sea", "sea", Decimal("0.4"), "USD", 22, 32),
    )


def test_small_demand_is_served_from_origin() -> None:
    """Under the seeding threshold, with a positive origin margin: serve from origin."""
    plan = launch_plan(_options(), monthly_units=12, origin_margin=2.0)
    assert plan.strategy == "serve_from_origin" and plan.seed_units == 0
    assert plan.lane == "H>M:parcel" and "12" in plan.why


def test_enough_demand_seeds_stock() -> None:
    """Above the threshold: seed cover_months of demand by the cheapest stocked lane."""
    plan = launch_plan(
        _options(), 45, 2.0, ExpandParams(seed_min_units=30, cover_months=2)
    )
    assert plan.strategy == "seed_stock" and plan.seed_units == 90
    assert plan.lane == "H>M-FC1:sea"
    losing = launch_plan(_options(), 5, -1.0)
    assert losing.strategy == "seed_stock"
