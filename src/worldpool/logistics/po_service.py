"""Purchase-order service: open -> confirmed -> shipped -> (partially_)received.

A purchase order brings units from a supplier into a hub. It is opened by hand
or from a plan's order lines, confirmed by the supplier, shipped in one or more
shipments (each packed and labelled like any other), and received through
:func:`worldpool.logistics.service.receive`, which posts ``receive`` movements
at the hub and moves the order to ``partially_received`` or ``received``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from worldpool.audit import audit_on
from worldpool.context import Context
from worldpool.errors import InputError, UnknownReference
from worldpool.ledger.db import reader
from worldpool.ledger.logistics_tables import (
    get_po_on,
    insert_po_on,
    list_pos_on,
    update_po_on,
)
from worldpool.logistics.build import ShipmentDraft
from worldpool.logistics.quote_service import plan_data, unit_facts
from worldpool.logistics.records import PurchaseOrderRequest, ShipPurchaseOrder
from worldpool.logistics.service import create_shipment

__all__ = [
    "confirm_purchase_order",
    "get_purchase_order",
    "list_purchase_orders",
    "open_purchase_order",
    "purchase_orders_from_plan",
    "ship_purchase_order",
]

_SHIPPABLE = ("confirmed", "shipped", "partially_received")


def _now() -> datetime:
    return datetime.now(UTC)


def _po_id(req: PurchaseOrderRequest) -> str:
    body = "|".join([req.supplier, req.hub, *(f"{s}={q}" for s, q in req.lines)])
    return "PO-" + hashlib.sha256(body.encode()).hexdigest()[:12].upper()


def open_purchase_order(ctx: Context, req: PurchaseOrderRequest) -> dict[str, Any]:
    """Open a purchase order (status ``open``); the same id twice opens it once.

    Raises:
        InputError: no lines, or a quantity below one.
        UnknownReference: an unknown hub or SKU.
    """
    ctx.require("operator")
    if not req.lines or any(q < 1 for _, q in req.lines):
        raise InputError("a purchase order needs lines of 1+ units", record="po")
    ctx.catalog.node(req.hub)
    unit_facts(ctx, (sku for sku, _ in req.lines))
    po_id = req.po_id or _po_id(req)
    now = _now()
    lines = [{"sku": s, "qty": q, "shipped": 0, "received": 0} for s, q in req.lines]
    row = {
        "id": po_id,
        "seller": ctx.seller,
        "supplier": req.supplier,
        "hub": req.hub,
        "status": "open",
        "plan_ref": req.plan_ref,
        "created_at": now,
        "updated_at": now,
        "payload": {"lines": lines},
    }
    with ctx.engine.begin() as conn:
        if insert_po_on(conn, row):
            audit_on(conn, ctx, "po.open", target=po_id, inputs={"lines": lines})
    return get_purchase_order(ctx, po_id)


def purchase_orders_from_plan(
    ctx: Context, plan_id: str, supplier: str = "supplier"
) -> dict[str, Any]:
    """Open one purchase order holding every order line of a stored plan."""
    plan = plan_data(ctx, plan_id)
    lines = tuple((o["sku"], int(o["qty"])) for o in plan["orders"] if o["qty"] > 0)
    return open_purchase_order(
        ctx,
        PurchaseOrderRequest(
            supplier, plan["hub"], lines, po_id=f"PO-{plan_id}", plan_ref=plan_id
        ),
    )


def get_purchase_order(ctx: Context, po_id: str) -> dict[str, Any]:
    """Return one purchase order (lines with shipped and received units)."""
    with reader(ctx.engine).connect() as conn:
        row = get_po_on(conn, ctx.seller, po_id)
    if row is None:
        raise UnknownReference("no such purchase order", record="po", value=po_id)
    return row


def list_purchase_orders(ctx: Context) -> list[dict[str, Any]]:
    """Return the seller's purchase orders, newest first."""
    with reader(ctx.engine).connect() as conn:
        return list_pos_on(conn, ctx.seller)


def confirm_purchase_order(ctx: Context, po_id: str) -> dict[str, Any]:
    """Mark an open purchase order confirmed by the supplier (repeat-safe).

    Raises:
        InputError: the order is past ``confirmed``.
    """
    ctx.require("operator")
    with ctx.engine.begin() as conn:
        row = get_po_on(conn, ctx.seller, po_id, lock=True)
        if row is None:
            raise UnknownReference("no such purchase order", value=po_id)
        if row["status"] not in ("open", "confirmed"):
            raise InputError("already shipped", record=po_id, field="status")
        if row["status"] == "open":
            update_po_on(
                conn, ctx.seller, po_id, {"status": "confirmed", "updated_at": _now()}
            )
            audit_on(conn, ctx, "po.confirm", target=po_id)
    return get_purchase_order(ctx, po_id)


def _to_ship(row: dict[str, Any], req: ShipPurchaseOrder) -> list[dict[str, Any]]:
    left = {ln["sku"]: ln["qty"] - ln["shipped"] for ln in row["payload"]["lines"]}
    wanted = dict(req.lines) if req.lines else left
    out: list[dict[str, Any]] = []
    for sku, qty in sorted(wanted.items()):
        if qty > left.get(sku, 0):
            raise InputError(
                "more than is left to ship", record=row["id"], field=sku, value=qty
            )
        if qty > 0:
            out.append({"sku": sku, "qty": qty, "keys": []})
    if not out:
        raise InputError("nothing left to ship", record=row["id"])
    return out


def ship_purchase_order(ctx: Context, req: ShipPurchaseOrder) -> str:
    """Create the shipment of (part of) a confirmed purchase order; return its id.

    Raises:
        InputError: the order is not confirmed, or more units than are left.
    """
    ctx.require("operator")
    row = get_purchase_order(ctx, req.po_id)
    if row["status"] not in _SHIPPABLE:
        raise InputError("confirm the purchase order first", record=req.po_id)
    lines = _to_ship(row, req)
    shipped = sum(int(row_l["shipped"]) for row_l in row["payload"]["lines"])
    ref = f"{req.po_id}#{shipped}"
    origin = f"supplier:{row['supplier']}"[:32]
    transit = (req.p50_days, req.p90_days)
    draft = ShipmentDraft("po", ref, origin, row["hub"], "road", tuple(lines), transit)
    sid = create_shipment(ctx, draft, req.company_prefix)
    moved = {ln["sku"]: ln["qty"] for ln in lines}
    with ctx.engine.begin() as conn:
        current = get_po_on(conn, ctx.seller, req.po_id, lock=True)
        assert current is not None  # read above; orders are never deleted
        new_lines = [
            dict(ln, shipped=ln["shipped"] + moved.get(ln["sku"], 0))
            for ln in current["payload"]["lines"]
        ]
        status = "shipped" if current["status"] == "confirmed" else current["status"]
        values = {"payload": {"lines": new_lines}, "status": status}
        update_po_on(conn, ctx.seller, req.po_id, dict(values, updated_at=_now()))
        audit_on(conn, ctx, "po.ship", target=req.po_id, result={"shipment": sid})
    return sid
