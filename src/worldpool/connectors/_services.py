"""The one place the connectors call other capabilities' services (orders).

The lead is moving those services to ``fn(ctx, request)``; only this module
changes when they do.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from worldpool.context import Context, ledger_of
from worldpool.errors import InputError
from worldpool.orders.channels import adapter
from worldpool.orders.errors import OrderLocked
from worldpool.orders.service import OrderService, Outcome

__all__ = ["new_units", "order_payload", "ship_order", "submit_records"]

_SERVICES: dict[tuple[int, str], OrderService] = {}
_POOL = ThreadPoolExecutor(max_workers=16, thread_name_prefix="intake")
_GUARD = threading.Lock()


def _service(ctx: Context) -> OrderService:
    # One OrderService per (engine, seller): it caches SKU records.
    key = (id(ctx.engine), ctx.seller)
    with _GUARD:
        svc = _SERVICES.get(key)
        if svc is None:
            svc = _SERVICES[key] = OrderService(ledger_of(ctx))
        return svc


def submit_records(
    ctx: Context, channel: str, records: Sequence[dict[str, Any]], source: str
) -> tuple[list[Outcome], list[tuple[str, str]]]:
    """Parse and submit channel order records; bad ones are dead-lettered.

    Distinct orders are submitted concurrently (the order service serialises
    what must be: the same SKU's stock, the same order's revision), which is
    what keeps intake ahead of seven busy channels. Returns the outcomes and
    (record id, error) of the rejected ones.
    """
    ad = adapter(channel)
    svc = _service(ctx)

    def one(record: dict[str, Any]) -> Outcome | tuple[str, str]:
        """Submit one record; (id, error) when it is dead-lettered."""
        try:
            return svc.submit(ad.parse_order(record))
        except (InputError, OrderLocked) as exc:
            # import_document stores the dead letter with its reason.
            svc.import_document(channel, record, source)
            return (str(record.get("id", "")), str(exc))

    results = (
        list(_POOL.map(one, records)) if len(records) > 1 else [one(r) for r in records]
    )
    outcomes = [r for r in results if isinstance(r, Outcome)]
    rejected = [r for r in results if not isinstance(r, Outcome)]
    return outcomes, rejected


def new_units(
    channel: str, records: Sequence[dict[str, Any]], outcomes: Sequence[Outcome]
) -> dict[str, int]:
    """Return units per SKU of the records whose order was ``created`` just now."""
    created = {o.key for o in outcomes if o.action == "created"}
    units: dict[str, int] = {}
    if not created:
        return units
    ad = adapter(channel)
    for record in records:
        try:
            order = ad.parse_order(record)
        except InputError:
            continue  # dead-lettered: no sale taken in
        if order.key in created:
            for line in order.lines:
                units[line.sku] = units.get(line.sku, 0) + int(line.qty)
    return units


def ship_order(ctx: Context, channel: str, channel_order_id: str) -> str:
    """Mark an open order shipped; return its status (already shipped is fine)."""
    svc = _service(ctx)
    stored = svc.get(channel, channel_order_id)
    if stored.status == "shipped":
        return stored.status
    return svc.ship(channel, channel_order_id).status


def order_payload(ctx: Context, channel: str, channel_order_id: str) -> dict[str, Any]:
    """Return the stored normalised order (raises OrderNotFound)."""
    row = _service(ctx).get(channel, channel_order_id)
    data: dict[str, Any] = json.loads(row.payload)
    data["status"] = row.status
    return data
