"""A day of real-looking multi-channel orders, routed from the demo pool.

Each order is built in its channel's documented payload shape and goes through
the real adapter, intake, routing and reservation path, so the demo shows
exactly what production does: where each order shipped from and why.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from worldpool.catalog import Catalog
from worldpool.context import Context
from worldpool.inventory import balances, get_sku
from worldpool.orders.samples import SampleLine, sample_payload
from worldpool.orders.service import import_orders

__all__ = ["CHANNEL_MARKETS", "OrdersDaySummary", "orders_day"]

CHANNEL_MARKETS = {
    "amazon": ("US", "UK", "DE", "FR", "IT", "ES", "CA", "JP", "AU"),
    "shopify": ("US", "UK", "DE", "FR", "NL", "AU"),
    "ebay": ("US", "UK", "DE"),
    "tiktok_shop": ("US", "UK"),
    "walmart": ("US", "CA"),
    "temu": ("US", "DE"),
    "shein": ("US", "FR", "DE"),
}
"""Where each channel sells in the demo (marketplace ids)."""


@dataclass(frozen=True, slots=True)
class OrdersDaySummary:
    """What a day of orders did to the pool."""

    orders: int
    """Orders submitted."""
    by_channel: dict[str, int] = field(default_factory=dict)
    """Orders per channel."""
    by_source: dict[str, int] = field(default_factory=dict)
    """Order lines per source kind (local_fc, zone_fc, origin, backorder)."""
    rejected: int = 0
    """Orders dead-lettered."""
    examples: tuple[tuple[str, str], ...] = ()
    """A few (order key, why) pairs to show."""


def orders_day(ctx: Context, *, orders: int = 200, seed: int = 7) -> OrdersDaySummary:
    """Send ``orders`` channel orders for SKUs the pool holds; return the summary.

    Args:
        ctx: Context of a database with registered, stocked SKUs (the demo's).
        orders: Number of orders to send.
        seed: Random seed (same seed, same day).
    """
    rng = random.Random(seed)
    stocked = [b for b in balances(ctx) if b.available > 0]
    skus = sorted({b.sku for b in stocked})
    markets = {m for ms in CHANNEL_MARKETS.values() for m in ms}
    # A shop only sells what the seller lists in its marketplace (the router
    # refuses the rest by name), so each market draws from its listed SKUs.
    listed = {m: [s for s in skus if _listed(ctx, s, m)] or skus for m in markets}
    # Shoppers mostly buy what their country's FCs show in stock; one order in
    # five picks from the whole listed range, which brings in FFO and backorders.
    local = {
        m: sorted(
            {b.sku for b in stocked if b.node in _fc_ids(ctx.catalog, m)}
            & set(listed[m])
        )
        or listed[m]
        for m in markets
    }
    by_channel: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    rejected = 0
    examples: list[tuple[str, str]] = []
    channels = sorted(CHANNEL_MARKETS)
    for n in range(orders if skus else 0):
        channel = rng.choice(channels)
        market = rng.choice(CHANNEL_MARKETS[channel])
        pool = local[market] if rng.random() < 0.8 else listed[market]
        picks = rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 1, 2))))
        lines = [
            SampleLine(
                s, rng.choice((1, 1, 2, 3)), Decimal(rng.randrange(499, 4999)) / 100
            )
            for s in picks
        ]
        oid = f"D{seed}-{n:05d}"
        doc = sample_payload(channel, oid, market, lines)
        report = import_orders(ctx, channel, doc, "demo day")
        by_channel[channel] += 1
        rejected += len(report.rejected)
        for o in report.outcomes:
            for a in (o.decision or {}).get("assignments", []):
                by_source[a["source"]] += 1
            if len(examples) < 5 and o.decision:
                examples.append((o.key, str(o.decision["why"])))
    return OrdersDaySummary(
        orders=sum(by_channel.values()),
        by_channel=dict(sorted(by_channel.items())),
        by_source=dict(sorted(by_source.items())),
        rejected=rejected,
        examples=tuple(examples),
    )


def _listed(ctx: Context, sku: str, market: str) -> bool:
    """True when the SKU is listed in ``market`` (no list: every market)."""
    markets = get_sku(ctx, sku).listed_markets
    return not markets or market in markets


def _fc_ids(catalog: Catalog, market: str) -> set[str]:
    if market not in catalog.marketplaces:
        return set()
    return {fc.id for fc in catalog.fcs_for(market)}
