"""Write the README tour's input files: SKUs, an ASN, a Shopify order, sales history.

The SKU and ASN files (``examples/data``) and the order are small hand-written
examples in the formats the README documents. ``sales.csv`` is generated
(seeded Poisson demand with a weekly pattern, 180 days up to the day before
``today``), so that forecasting and planning have recent history on any day
the tour is run; it is illustrative, not real data. Standard library only.
"""

from __future__ import annotations

import csv
import json
import math
import random
from datetime import date, timedelta
from pathlib import Path

__all__ = ["EXAMPLE_FILES", "write_examples"]

EXAMPLE_FILES = ("skus.csv", "asn.csv", "order.json", "sales.csv")
"""The files :func:`write_examples` writes."""

_DATA = Path(__file__).with_name("data")

# Daily mean demand per (SKU, market), units: what the generated history follows.
_RATES = {
    ("MUG", "US"): 6.0,
    ("MUG", "DE"): 2.5,
    ("MUG", "UK"): 1.5,
    ("BOTTLE", "US"): 3.0,
    ("BOTTLE", "DE"): 1.2,
    ("PB-10", "US"): 2.0,
    ("PB-10", "UK"): 0.8,
}
_WEEKLY = (1.1, 1.0, 1.0, 1.0, 1.1, 0.9, 0.9)


def _order(today: date) -> dict[str, object]:
    """A Shopify ``orders/create`` payload (Admin REST order resource) for MUG to US."""
    return {
        "id": 1001,
        "name": "#1001",
        "email": "ann@example.com",
        "created_at": f"{today.isoformat()}T09:30:00-05:00",
        "currency": "USD",
        "total_price": "25.98",
        "financial_status": "paid",
        "fulfillment_status": None,
        "cancelled_at": None,
        "line_items": [
            {
                "id": 1,
                "title": "Ceramic coffee mug 350 ml",
                "sku": "MUG",
                "quantity": 2,
                "price": "12.99",
                "requires_shipping": True,
            }
        ],
        "shipping_address": {
            "name": "Ann Lee",
            "address1": "1 Main St",
            "city": "Seattle",
            "province_code": "WA",
            "zip": "98101",
            "country_code": "US",
        },
    }


def _poisson(rng: random.Random, mean: float) -> int:
    """Draw a Poisson count (Knuth's method; means here are small)."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _sales(today: date, days: int, seed: int) -> list[tuple[str, str, str, int]]:
    rng = random.Random(seed)
    rows = []
    for (sku, market), rate in sorted(_RATES.items()):
        for back in range(days, 0, -1):
            day = today - timedelta(days=back)
            units = _poisson(rng, rate * _WEEKLY[day.weekday()])
            rows.append((sku, market, day.isoformat(), units))
    return rows


def write_examples(
    directory: Path, *, today: date | None = None, days: int = 180, seed: int = 11
) -> list[Path]:
    """Write the tour's example files into ``directory``; return their paths.

    Args:
        directory: Folder to write into (created when missing).
        today: Day the sales history ends before (default: today).
        days: Days of generated sales history.
        seed: Seed of the generated history (same seed, same file).
    """
    today = today or date.today()
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / name for name in EXAMPLE_FILES]
    for path in paths[:2]:
        path.write_bytes((_DATA / path.name).read_bytes())
    paths[2].write_text(json.dumps(_order(today), indent=2), encoding="utf-8")
    with paths[3].open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("sku", "market", "date", "units"))
        writer.writerows(_sales(today, days, seed))
    return paths
