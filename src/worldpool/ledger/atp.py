"""Available-to-promise per (SKU, marketplace): local FC stock plus the pooled hub."""

from __future__ import annotations

from sqlalchemy import Connection, and_, select

from worldpool.catalog import Catalog
from worldpool.domain.inventory import Atp, AtpSource
from worldpool.ledger.tables import balances, sku_markets

__all__ = ["atp_on"]


def atp_on(
    conn: Connection, catalog: Catalog, seller: str, sku: str, market: str
) -> Atp:
    """Return what can be promised for ``sku`` in ``market``, fastest source first.

    Local FCs serving ``market`` contribute their available units with their
    last-mile promise. Each origin hub contributes its available units too when
    the SKU may be fulfilled from origin to ``market`` (listing flag) and a
    parcel lane exists; its promise is the lane's P50/P90 transit in days. A
    SKU not listed in ``market`` has nothing to promise there.
    """
    catalog.marketplace(market)
    listed, ffo = _eligibility(conn, seller, sku, market)
    if not listed:
        return Atp(sku=sku, market=market)
    available = _available(conn, seller, sku)
    sources = [
        AtpSource(
            node=fc.id,
            available=available.get(fc.id, 0),
            fulfil_from_origin=False,
            p50_days=fc.delivery_p50_days,
            p90_days=fc.delivery_p90_days,
        )
        for fc in catalog.fcs_for(market)
    ]
    if ffo:
        for hub in catalog.hubs():
            lane = catalog.parcel_lane(hub.id, market)
            if lane is not None:
                sources.append(
                    AtpSource(
                        node=hub.id,
                        available=available.get(hub.id, 0),
                        fulfil_from_origin=True,
                        p50_days=lane.transit.p50_days,
                        p90_days=lane.transit.p90_days,
                        lane=lane.id,
                    )
                )
    sources.sort(key=lambda s: (s.p50_days, s.p90_days, s.node))
    return Atp(sku=sku, market=market, sources=tuple(sources))


def _eligibility(
    conn: Connection, seller: str, sku: str, market: str
) -> tuple[bool, bool]:
    rows = conn.execute(
        select(
            sku_markets.c.market, sku_markets.c.listed, sku_markets.c.ffo_allowed
        ).where(sku_markets.c.seller == seller, sku_markets.c.sku == sku)
    ).all()
    if not rows:
        # No listing rows: listed everywhere, fulfil-from-origin nowhere.
        return True, False
    for row in rows:
        if row.market == market:
            return bool(row.listed), bool(row.listed and row.ffo_allowed)
    return False, False


def _available(conn: Connection, seller: str, sku: str) -> dict[str, int]:
    rows = conn.execute(
        select(balances.c.node, balances.c.on_hand, balances.c.reserved).where(
            and_(balances.c.seller == seller, balances.c.sku == sku)
        )
    )
    return {r.node: r.on_hand - r.reserved for r in rows}
