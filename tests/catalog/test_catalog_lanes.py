from datetime import date
from decimal import Decimal

from worldpool.catalog import load_catalog
from worldpool.domain.network import Mode, NodeKind


def test_air_lane_charges_dimensional_weight() -> None:
    """A bulky air parcel is charged on volume / 6000 cm³ per kg, not its weight."""
    lane = load_catalog(as_of=date(2026, 1, 1)).lane("CN-SZX>US-FC1:air")
    assert lane.dim_divisor == 6000
    # 0.012 m³ = 12,000 cm³ -> 2 kg dimensional, above the 1 kg actual weight.
    assert lane.chargeable_kg(Decimal(1), Decimal("0.012")) == Decimal(2)
    assert lane.cost(Decimal(1), Decimal("0.012")) == 2 * lane.cost_per_kg


def test_sea_lane_is_priced_by_volume() -> None:
    """A sea lane has no dim divisor and charges per cubic metre."""
    lane = load_catalog(as_of=date(2026, 1, 1)).lane("CN-SZX>DE-FC1:sea")
    assert lane.dim_divisor == 0
    assert lane.chargeable_kg(Decimal(100), Decimal(2)) == Decimal(100)
    assert lane.cost(Decimal(100), Decimal(2)) == 2 * lane.cost_per_m3


def test_parcel_lane_adds_fixed_and_weight_cost() -> None:
    """A parcel lane costs its per-parcel fee plus per chargeable kg."""
    lane = load_catalog(as_of=date(2026, 1, 1)).lane("CN-SZX>US:parcel")
    cost = lane.cost(Decimal("0.5"), Decimal("0.001"))
    assert cost == lane.cost_per_parcel + Decimal("0.5") * lane.cost_per_kg
    assert lane.transit.p50_days <= 10 and lane.transit.p90_days <= 16


def test_sea_is_cheapest_and_slowest_on_every_fc_lane() -> None:
    """For a 1 m³, 167 kg shipment: sea < air < express in cost, reverse in P50."""
    catalog = load_catalog(as_of=date(2026, 1, 1))
    weight, volume = Decimal(167), Decimal(1)
    for hub in catalog.hubs():
        for fc in (n for n in catalog.nodes.values() if n.kind is NodeKind.FC):
            sea, air, express = (
                catalog.lanes_between(hub.id, fc.id, mode)[0]
                for mode in (Mode.SEA, Mode.AIR, Mode.EXPRESS)
            )
            costs = [lane.cost(weight, volume) for lane in (sea, air, express)]
            assert costs == sorted(costs), fc.id
            assert sea.transit.p50_days > air.transit.p50_days
            assert air.transit.p50_days >= express.transit.p50_days
