"""Pure, typed records of the worldpool domain (standard library only)."""

from worldpool.domain.ids import gtin_is_valid, normalise_country
from worldpool.domain.inventory import (
    Atp,
    AtpSource,
    Balance,
    Movement,
    MovementKind,
    StockState,
)
from worldpool.domain.market import Channel, Marketplace, Threshold
from worldpool.domain.money import Money
from worldpool.domain.network import Lane, Mode, Node, NodeKind, TransitTime
from worldpool.domain.product import BatteryType, SkuRecord

__all__ = [
    "Atp",
    "AtpSource",
    "Balance",
    "BatteryType",
    "Channel",
    "Lane",
    "Marketplace",
    "Mode",
    "Money",
    "Movement",
    "MovementKind",
    "Node",
    "NodeKind",
    "SkuRecord",
    "StockState",
    "Threshold",
    "TransitTime",
    "gtin_is_valid",
    "normalise_country",
]
