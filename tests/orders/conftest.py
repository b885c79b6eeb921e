"""Fixtures of the orders tests: documented channel payloads and a stocked pool."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.domain.product import BatteryType
from worldpool.ledger import Ledger
from worldpool.testing import make_sku

FIXTURES = Path(__file__).parent / "fixtures"

CHANNEL_FILES = {
    "amazon": "amazon_v0_getorders.json",
    "shopify": "shopify_orders_create.json",
    "ebay": "ebay_get_orders.json",
    "tiktok_shop": "tiktok_shop_order_detail.json",
    "walmart": "walmart_orders.json",
    "temu": "temu_orders.csv",
    "shein": "shein_orders.csv",
}


def load(name: str) -> Any:
    """Return a fixture file: decoded JSON, or the text of a CSV."""
    path = FIXTURES / name
    text = path.read_text()
    return json.loads(text) if path.suffix == ".json" else text


def stock_pool(ledger: Ledger) -> None:
    """Register MUG-1, LAMP-2, BATT-3 and put stock at the hub, US-FC1 and DE-FC1."""
    ledger.register_skus(
        [
            make_sku("MUG-1", ffo_markets=("US", "UK", "DE", "FR")),
            make_sku("LAMP-2", title="Desk lamp", unit_weight_kg="1.2"),
            make_sku(
                "BATT-3",
                title="Power bank cell",
                battery=BatteryType.LOOSE,
                ffo_markets=("US",),
            ),
        ]
    )
    for sku in ("MUG-1", "LAMP-2", "BATT-3"):
        ledger.post(
            Movement(
                MovementKind.RECEIVE, sku, "CN-SZX", 100, "ASN", "ASN-1", f"r:{sku}"
            )
        )
    for sku, fc, qty in (("MUG-1", "US-FC1", 10), ("MUG-1", "DE-FC1", 5)):
        ref = f"TR-{sku}-{fc}"
        for kind in (MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN):
            ledger.post(
                Movement(
                    kind,
                    sku,
                    fc,
                    qty,
                    "forward",
                    ref,
                    f"{kind}:{ref}",
                    from_node="CN-SZX",
                )
            )


@pytest.fixture
def pool(ledger: Ledger) -> Ledger:
    """A ledger (SQLite and PostgreSQL) holding the three test SKUs."""
    stock_pool(ledger)
    return ledger
