"""Register SKUs and their per-marketplace listing eligibility."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Connection, delete, select

from worldpool.domain.product import BatteryType, SkuRecord
from worldpool.ledger.tables import sku_markets, skus

__all__ = ["get_sku_on", "list_skus_on", "upsert_sku_on"]


def upsert_sku_on(
    conn: Connection, rec: SkuRecord, all_markets: Collection[str]
) -> bool:
    """Insert or update ``rec`` and its listing rows; return True when it was new.

    Args:
        conn: Connection in an open transaction.
        rec: The SKU.
        all_markets: Every marketplace id, used when ``rec.listed_markets`` is empty
            (listed everywhere).
    """
    values = {
        "title": rec.title,
        "gtin": rec.gtin,
        "unit_weight_kg": rec.unit_weight_kg,
        "unit_volume_m3": rec.unit_volume_m3,
        "unit_cost": rec.unit_cost,
        "currency": rec.currency,
        "hs_code": rec.hs_code,
        "battery": rec.battery.value,
        "category": rec.category,
    }
    exists = conn.execute(select(skus.c.sku).where(skus.c.sku == rec.sku)).first()
    if exists is None:
        conn.execute(
            skus.insert().values(sku=rec.sku, created_at=datetime.now(UTC), **values)
        )
    else:
        conn.execute(skus.update().where(skus.c.sku == rec.sku).values(**values))
    conn.execute(delete(sku_markets).where(sku_markets.c.sku == rec.sku))
    listed = rec.listed_markets or tuple(sorted(all_markets))
    ffo = set(rec.ffo_markets)
    conn.execute(
        sku_markets.insert(),
        [
            {"sku": rec.sku, "market": mk, "listed": True, "ffo_allowed": mk in ffo}
            for mk in listed
        ],
    )
    return exists is None


def get_sku_on(conn: Connection, sku: str) -> SkuRecord | None:
    """Return the SKU record, or None when ``sku`` is not registered."""
    row = conn.execute(select(skus).where(skus.c.sku == sku)).one_or_none()
    if row is None:
        return None
    markets = conn.execute(
        select(sku_markets.c.market, sku_markets.c.ffo_allowed).where(
            sku_markets.c.sku == sku
        )
    ).all()
    return SkuRecord(
        sku=row.sku,
        title=row.title,
        unit_weight_kg=Decimal(row.unit_weight_kg),
        unit_volume_m3=Decimal(row.unit_volume_m3),
        unit_cost=Decimal(row.unit_cost),
        currency=row.currency,
        gtin=row.gtin,
        hs_code=row.hs_code,
        battery=BatteryType(row.battery),
        category=row.category,
        listed_markets=tuple(sorted(m.market for m in markets)),
        ffo_markets=tuple(sorted(m.market for m in markets if m.ffo_allowed)),
    )


def list_skus_on(conn: Connection) -> list[str]:
    """Return every registered SKU id, sorted."""
    return list(conn.execute(select(skus.c.sku).order_by(skus.c.sku)).scalars())
