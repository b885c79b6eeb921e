"""Inbound service: book a dock slot for an ASN, receive against it, put away.

Booking checks the dock's slot grid and its carton capacity across every
seller (docks are shared). Receiving posts one ``receive`` movement per SKU
for the sellable units (received minus damaged; idempotent per ASN and SKU)
and records the over/short/damaged comparison on the appointment, in one
transaction; the units can then be put away into bins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection

from worldpool.audit import audit_on
from worldpool.context import Context
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import InputError, UnknownReference
from worldpool.hub import bins_service
from worldpool.hub.inbound import (
    Dock,
    ReceiptLine,
    check_slot,
    compare_receipt,
    load_docks,
)
from worldpool.ledger import hub_inbound as q
from worldpool.ledger.sellers import ALL_SELLERS, scoped

__all__ = ["AppointmentRequest", "ReceiveRequest", "book_appointment", "receive"]


@dataclass(frozen=True, slots=True)
class AppointmentRequest:
    """Book a dock slot for an ASN of the context's seller."""

    asn: str
    """ASN id (one appointment per ASN and seller)."""
    node: str
    """Hub node."""
    slot_start: datetime
    """Slot start (UTC)."""
    cartons: int
    """Cartons arriving."""
    lines: tuple[tuple[str, int], ...]
    """(SKU, units expected) of the ASN."""
    dock: str | None = None
    """Dock wanted; None: the first dock with room in that slot."""


@dataclass(frozen=True, slots=True)
class ReceiveRequest:
    """What arrived for an ASN, and where to put it away."""

    asn: str
    """ASN id."""
    lines: tuple[tuple[str, int, int], ...]
    """(SKU, units received, of which damaged)."""
    putaway: tuple[tuple[str, str, int], ...] = ()
    """(SKU, bin, units) to put away after receiving."""


def book_appointment(ctx: Context, req: AppointmentRequest) -> dict[str, object]:
    """Book a slot; the same ASN again returns its booking unchanged.

    Raises:
        InputError: not a slot start, the slot is full, or no lines.
        UnknownReference: an unknown dock.
    """
    ctx.require("operator")
    if not req.lines or any(u < 1 for _, u in req.lines):
        raise InputError(
            "an ASN needs lines of 1+ units", record=f"asn {req.asn}", field="lines"
        )
    start = req.slot_start.astimezone(UTC)
    docks = [d for d in load_docks(start.date()) if d.node == req.node]
    if req.dock is not None:
        docks = [d for d in docks if d.dock == req.dock]
    if not docks:
        raise UnknownReference(
            "no such dock",
            record=f"asn {req.asn}",
            field="dock",
            value=req.dock or req.node,
        )
    # Docks are shared by the sellers: the capacity check sees every booking.
    with scoped(ctx.engine, ALL_SELLERS).begin() as conn:
        seen = q.appointment_on(conn, ctx.seller, req.asn)
        if seen is not None:
            return seen
        dock = _pick_dock(conn, docks, start, req.cartons)
        row = {
            "seller": ctx.seller,
            "asn": req.asn,
            "node": req.node,
            "dock": dock.dock,
            "slot_start": start,
            "cartons": req.cartons,
            "status": "booked",
            "lines": dict(req.lines),
            "created_at": datetime.now(UTC),
        }
        q.insert_appointment_on(conn, row)
        audit_on(
            conn,
            ctx,
            "hub.appointment",
            target=req.asn,
            inputs={
                "dock": dock.dock,
                "slot": start.isoformat(),
                "cartons": req.cartons,
            },
        )
        return q.appointment_on(conn, ctx.seller, req.asn) or row


def _pick_dock(conn: object, docks: list[Dock], start: datetime, cartons: int) -> Dock:
    last: InputError | None = None
    for dock in docks:
        booked = q.booked_cartons_on(conn, dock.node, dock.dock, start)  # type: ignore[arg-type]
        try:
            check_slot(dock, start, cartons, booked)
        except InputError as exc:
            last = exc
            continue
        return dock
    assert last is not None
    raise last


def receive(ctx: Context, req: ReceiveRequest) -> list[ReceiptLine]:
    """Receive against the ASN: post sellable units, record over/short/damaged.

    Raises:
        UnknownReference: no appointment for the ASN, or an unregistered SKU.
        InputError: more damaged than received, or a bad put-away.
    """
    ctx.require("operator")
    with scoped(ctx.engine, ctx.seller).begin() as conn:
        appt = q.appointment_on(conn, ctx.seller, req.asn)
        if appt is None:
            raise UnknownReference(
                "no appointment for this ASN",
                record="receipt",
                field="asn",
                value=req.asn,
            )
        if appt["receipt"] is not None:
            return [ReceiptLine(**r) for r in appt["receipt"]]
        lines = compare_receipt(appt["lines"], req.lines)
        _post_lines(ctx, conn, req.asn, appt["node"], lines)
    for n, (sku, bin_id, units) in enumerate(req.putaway):
        key = f"asn:{req.asn}:putaway:{n}"
        place = bins_service.PutAway(appt["node"], sku, bin_id, units, req.asn, key)
        bins_service.put_away(ctx, place)
    return lines


def _post_lines(
    ctx: Context, conn: Connection, asn: str, node: str, lines: list[ReceiptLine]
) -> None:
    """Post the sellable units of each line and record the receipt on the ASN."""
    nodes = [n.id for n in ctx.catalog.hubs()]
    now = datetime.now(UTC)
    for ln in lines:
        if ln.good:
            m = Movement(
                MovementKind.RECEIVE,
                ln.sku,
                node,
                ln.good,
                "ASN receipt",
                asn,
                f"asn:{asn}:{ln.sku}",
                at=now,
            )
            q.post_receipt_on(conn, ctx.seller, m, nodes)
    stored = [
        {
            "sku": ln.sku,
            "expected": ln.expected,
            "received": ln.received,
            "damaged": ln.damaged,
        }
        for ln in lines
    ]
    q.set_receipt_on(conn, ctx.seller, asn, stored)
    report = [
        s | {"over": ln.over, "short": ln.short}
        for s, ln in zip(stored, lines, strict=True)
    ]
    audit_on(conn, ctx, "hub.receive", target=asn, result={"lines": report})
