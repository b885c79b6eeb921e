"""Register SKUs and their per-marketplace listing eligibility."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Connection, bindparam, delete, select

from worldpool.domain.product import BatteryType, SkuRecord
from worldpool.ledger.tables import sku_markets, skus

__all__ = ["get_sku_on", "list_skus_on", "upsert_skus_on"]


def upsert_skus_on(
    conn: Connection,
    seller: str,
    records: Sequence[SkuRecord],
    all_markets: Collection[str],
) -> tuple[int, int]:
    """Insert or update ``records`` and their listing rows; return (new, updated).

    Runs a fixed number of statements whatever the batch size (executemany), so
    importing 10,000 SKUs costs seconds, not minutes.

    Args:
        conn: Connection in an open transaction.
        seller: Seller owning the SKUs.
        records: The SKUs; a later record of the same id wins.
        all_markets: Every marketplace id, used when ``listed_markets`` is empty
            (listed everywhere).
    """
    latest = {rec.sku: rec for rec in records}
    if not latest:
        return 0, 0
    ids = list(latest)
    existing: set[str] = set()
    for chunk in _chunks(ids):
        existing.update(
            conn.execute(
                select(skus.c.sku).where(skus.c.seller == seller, skus.c.sku.in_(chunk))
            ).scalars()
        )
    now = datetime.now(UTC)
    fresh = [
        _values(r) | {"seller": seller, "sku": r.sku, "created_at": now}
        for r in latest.values()
        if r.sku not in existing
    ]
    if fresh:
        conn.execute(skus.insert(), fresh)
    changed = [
        _values(r) | {"k_sku": r.sku} for r in latest.values() if r.sku in existing
    ]
    if changed:
        stmt = skus.update().where(
            skus.c.seller == seller, skus.c.sku == bindparam("k_sku")
        )
        conn.execute(stmt, changed)
    _replace_listings(conn, seller, latest, all_markets)
    return len(fresh), len(changed)


def _replace_listings(
    conn: Connection,
    seller: str,
    latest: dict[str, SkuRecord],
    all_markets: Collection[str],
) -> None:
    for chunk in _chunks(list(latest)):
        conn.execute(
            delete(sku_markets).where(
                sku_markets.c.seller == seller, sku_markets.c.sku.in_(chunk)
            )
        )
    listings = [
        {
            "seller": seller,
            "sku": r.sku,
            "market": mk,
            "listed": True,
            "ffo_allowed": mk in r.ffo_markets,
        }
        for r in latest.values()
        for mk in (r.listed_markets or tuple(sorted(all_markets)))
    ]
    if listings:
        conn.execute(sku_markets.insert(), listings)


def _chunks(ids: list[str], size: int = 500) -> list[list[str]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _values(rec: SkuRecord) -> dict[str, object]:
    return {
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


def get_sku_on(conn: Connection, seller: str, sku: str) -> SkuRecord | None:
    """Return the seller's SKU record, or None when ``sku`` is not registered."""
    row = conn.execute(
        select(skus).where(skus.c.seller == seller, skus.c.sku == sku)
    ).one_or_none()
    if row is None:
        return None
    markets = conn.execute(
        select(sku_markets.c.market, sku_markets.c.ffo_allowed).where(
            sku_markets.c.seller == seller, sku_markets.c.sku == sku
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


def list_skus_on(conn: Connection, seller: str) -> list[str]:
    """Return every SKU id the seller registered, sorted."""
    stmt = select(skus.c.sku).where(skus.c.seller == seller).order_by(skus.c.sku)
    return list(conn.execute(stmt).scalars())
