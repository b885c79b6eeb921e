"""Read the demo data shipped in the package (Online Retail II subset, CC BY 4.0).

Credit: Daqing Chen, "Online Retail II", UCI Machine Learning Repository, 2019,
https://doi.org/10.24432/C5CG6D (CC BY 4.0). See ``data/PROVENANCE.md``.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources

from worldpool.domain.product import SkuRecord

__all__ = ["DemandRow", "demand_bytes", "read_demand", "read_skus"]

_PKG = "worldpool.demo"


@dataclass(frozen=True, slots=True)
class DemandRow:
    """Units of one SKU sold in one marketplace on one day."""

    sku: str
    """SKU id (Online Retail II stock code)."""
    market: str
    """Marketplace id."""
    day: date
    """Invoice date."""
    units: int
    """Units sold."""


def demand_bytes() -> bytes:
    """Return the gzipped demand CSV (sku, market, date, units, avg_price)."""
    return (resources.files(_PKG) / "data" / "online_retail_demand.csv.gz").read_bytes()


def read_demand() -> list[DemandRow]:
    """Return every demand row of the demo subset, in file order."""
    text = gzip.decompress(demand_bytes()).decode()
    return [
        DemandRow(r["sku"], r["market"], date.fromisoformat(r["date"]), int(r["units"]))
        for r in csv.DictReader(io.StringIO(text))
    ]


def read_skus(markets_sold: dict[str, set[str]]) -> list[SkuRecord]:
    """Return the demo SKUs, listed (and FFO-eligible) where each one has sold."""
    text = (resources.files(_PKG) / "data" / "online_retail_skus.csv").read_text()
    return [
        SkuRecord(
            sku=r["sku"],
            title=r["title"],
            unit_weight_kg=Decimal(r["unit_weight_kg"]),
            unit_volume_m3=Decimal(r["unit_volume_m3"]),
            unit_cost=Decimal(r["unit_cost"]),
            currency="GBP",
            category=r["category"] or None,
            listed_markets=tuple(sorted(markets_sold.get(r["sku"], set()))),
            ffo_markets=tuple(sorted(markets_sold.get(r["sku"], set()))),
        )
        for r in csv.DictReader(io.StringIO(text))
    ]
