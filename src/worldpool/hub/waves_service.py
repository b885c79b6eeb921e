"""Waves service: plan pick waves from open orders at a hub; confirm pack and ship.

The open order lines at the node come from the orders service's reservations;
shipping goes through :func:`worldpool.orders.service.ship_order`, so the
order's ``ship`` movements (and its shipment) are the order book's own. Each
pick also takes the units out of their bin (a ``pick`` bin row, idempotent per
order, bin and SKU), keeping bin stock equal to what is on the shelves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from worldpool.audit import record
from worldpool.context import Context
from worldpool.errors import InputError
from worldpool.hub.bins import Bin
from worldpool.hub.waves import STAGING, Pick, Wave, build_waves, load_cutoffs
from worldpool.ledger import hub_bins as q
from worldpool.ledger.sellers import scoped
from worldpool.orders.service import get_order, reservations, ship_order

__all__ = ["WaveRequest", "confirm_shipped", "plan_waves"]


@dataclass(frozen=True, slots=True)
class WaveRequest:
    """Plan the waves of the context seller's open orders at a hub."""

    node: str
    """Hub node."""
    carriers: Mapping[str, str]
    """Carrier of each order reference (``channel:channel_order_id``)."""
    default_carrier: str | None = None
    """Carrier of orders not named in ``carriers`` (None: they are an error)."""
    now: datetime | None = None
    """Planning time (UTC; default now)."""


def plan_waves(ctx: Context, req: WaveRequest) -> list[Wave]:
    """Return the waves (one per carrier, earliest cut-off first) with pick paths.

    Raises:
        UnknownReference: an order's carrier has no cut-off at the node.
    """
    ctx.require("operator")
    now = (req.now or datetime.now(UTC)).astimezone(UTC)
    lines = [(o, s, u) for o, s, n, u in reservations(ctx) if n == req.node]
    carriers = dict(req.carriers)
    if req.default_carrier is not None:
        for order, _, _ in lines:
            carriers.setdefault(order, req.default_carrier)
    with scoped(ctx.engine, ctx.seller).connect() as conn:
        layout = {
            r["bin"]: Bin(**{k: r[k] for k in Bin.__slots__})
            for r in q.bins_on(conn, req.node)
        }
        held = q.bin_stock_on(conn, ctx.seller, req.node)
    stock: dict[str, list[tuple[Bin, int]]] = defaultdict(list)
    for bin_id, sku, units in held:
        if units > 0 and bin_id in layout:
            stock[sku].append((layout[bin_id], units))
    for sku in stock:
        stock[sku].sort(
            key=lambda bu: (bu[0].zone, bu[0].aisle, bu[0].shelf, bu[0].position)
        )
    return build_waves(lines, carriers, load_cutoffs(req.node, now.date()), stock, now)


def confirm_shipped(ctx: Context, node: str, picks: Sequence[Pick]) -> dict[str, str]:
    """Confirm packed and shipped orders: ship each, take its picks out of bins.

    Returns each order reference with its new status. A repeated confirmation
    changes nothing (bin rows are idempotent; a shipped order stays shipped).

    Raises:
        InputError: a pick names an order reference that is not ``channel:id``.
    """
    ctx.require("operator")
    by_order: dict[str, list[Pick]] = defaultdict(list)
    for p in picks:
        by_order[p.order].append(p)
    done = {}
    for order, mine in sorted(by_order.items()):
        channel, sep, channel_id = order.partition(":")
        if not sep:
            raise InputError(
                "order reference must be channel:id",
                record="wave",
                field="order",
                value=order,
            )
        with scoped(ctx.engine, ctx.seller).begin() as conn:
            for p in mine:
                if p.bin != STAGING:
                    q.insert_bin_rows_on(
                        conn,
                        ctx.seller,
                        [
                            {
                                "idempotency_key": f"pick:{order}:{p.bin}:{p.sku}",
                                "kind": "pick",
                                "sku": p.sku,
                                "node": node,
                                "bin": p.bin,
                                "qty": -p.units,
                                "reason": "pick",
                                "reference": order,
                            }
                        ],
                    )
        status = get_order(ctx, channel, channel_id).status
        if status != "shipped":
            status = ship_order(ctx, channel, channel_id).status
        done[order] = status
    record(ctx, "hub.wave.ship", target=node, result=done)
    return done
