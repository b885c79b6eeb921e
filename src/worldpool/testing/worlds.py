"""Small, fully specified worlds for tests and examples."""

from __future__ import annotations

from decimal import Decimal

from worldpool.domain.product import BatteryType, SkuRecord

__all__ = ["make_sku"]


def make_sku(
    sku: str = "MUG-1",
    *,
    title: str = "Ceramic mug",
    unit_weight_kg: str = "0.4",
    unit_volume_m3: str = "0.002",
    unit_cost: str = "3.20",
    currency: str = "USD",
    battery: BatteryType = BatteryType.NONE,
    listed_markets: tuple[str, ...] = (),
    ffo_markets: tuple[str, ...] = (),
) -> SkuRecord:
    """Return a test SKU: by default a 0.4 kg, 2-litre mug costing 3.20 USD."""
    return SkuRecord(
        sku=sku,
        title=title,
        unit_weight_kg=Decimal(unit_weight_kg),
        unit_volume_m3=Decimal(unit_volume_m3),
        unit_cost=Decimal(unit_cost),
        currency=currency,
        battery=battery,
        listed_markets=listed_markets,
        ffo_markets=ffo_markets,
    )
