"""Logistics service: quotes, shipments, labels, tracking, arrival into stock.

Every function takes the :class:`~worldpool.context.Context` first and is one
transaction where it writes (audited). Stock moves only through journal
movements: shipments from a plan carry the plan's ``transfer_out`` keys, and
receiving posts ``transfer_in`` (or ``receive`` for purchase orders) with
shortages and damages as their own movements. Tracking events are stored once
per event id; the shipment's state and ETA are refolded from all its events
under a row lock, so concurrent senders and any arrival order give one answer.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from worldpool.audit import audit_on
from worldpool.context import Context
from worldpool.errors import InputError, UnknownReference
from worldpool.i18n import t
from worldpool.ledger.db import reader
from worldpool.ledger.effects import validate
from worldpool.ledger.journal import post_on
from worldpool.ledger.logistics_tables import (
    cartons_on,
    events_on,
    get_po_on,
    get_shipment_on,
    insert_cartons_on,
    insert_shipment_on,
    list_shipments_on,
    lock_shipments_on,
    next_serials_on,
    posted_keys_on,
    update_po_on,
    update_shipment_on,
)
from worldpool.logistics._rows import (
    MESSAGES,
    as_event,
    lane_of,
    state_of,
    state_values,
    utc,
)
from worldpool.logistics.build import (
    ShipmentDraft,
    carton_rows,
    group_transfers,
    pack_lines,
    pieces_of,
    po_after_receipt,
    receipt_movements,
    shipment_id,
    shipment_row,
    transfer_keys,
)
from worldpool.logistics.documents import LabelData, asn_document, packing_list_rows
from worldpool.logistics.labels import render_labels, render_packing_list
from worldpool.logistics.quote import Quote, QuoteRequest
from worldpool.logistics.quote import quote as quote_core
from worldpool.logistics.quote_service import (
    convert_to,
    plan_data,
    rate_rows,
    unit_facts,
    volumes,
)
from worldpool.logistics.ratecard import (
    load_surcharges,
)
from worldpool.logistics.records import (
    BookRequest,
    PlanShipmentsRequest,
    ReceiveRequest,
    ReceiveResult,
    ShipmentException,
    ShipmentView,
)
from worldpool.logistics.track import exceptions_of, fold

__all__ = [
    "asn",
    "book",
    "create_shipment",
    "exceptions",
    "labels_pdf",
    "list_shipments",
    "packing_list",
    "packing_list_pdf",
    "receive",
    "shipment_status",
    "shipments_from_plan",
]


def _now() -> datetime:
    return datetime.now(UTC)


# -- shipments --------------------------------------------------------------------
def _create(
    conn: Connection, ctx: Context, draft: ShipmentDraft, prefix: str, on: date
) -> tuple[str, Quote | None]:
    """Pack, price and store one shipment unless it exists; return its id."""
    sid = shipment_id(
        ctx.seller,
        draft.source,
        draft.source_ref,
        draft.origin,
        draft.destination,
        draft.mode,
    )
    if get_shipment_on(conn, ctx.seller, sid) is not None:
        return sid, None
    facts = unit_facts(ctx, (ln["sku"] for ln in draft.lines))
    cartons = pack_lines(draft.lines, volumes(facts))
    chosen = None
    transit = (3.0, 6.0)
    if draft.origin in ctx.catalog.nodes:
        req = QuoteRequest(draft.origin, draft.destination, pieces_of(cartons), on)
        found = quote_core(
            req,
            ctx.catalog,
            rate_rows(ctx, conn),
            load_surcharges(),
            convert_to(ctx, "USD"),
        )
        of_mode = [q for q in found if q.mode == draft.mode]
        chosen = of_mode[0] if of_mode else None
        lanes = ctx.catalog.lanes_between(draft.origin, draft.destination)
        timed = [ln.transit for ln in lanes if ln.mode.value == draft.mode]
        if chosen is not None:
            transit = (chosen.p50_days, chosen.p90_days)
        elif timed:
            transit = (timed[0].p50_days, timed[0].p90_days)
    elif draft.transit is not None:
        transit = draft.transit
    row = shipment_row(sid, draft, cartons, chosen, transit, _now())
    if insert_shipment_on(conn, dict(row, seller=ctx.seller)):
        first = next_serials_on(conn, ctx.seller, "sscc", len(cartons))
        insert_cartons_on(conn, carton_rows(ctx.seller, sid, cartons, first, prefix))
    return sid, chosen


def shipments_from_plan(ctx: Context, req: PlanShipmentsRequest) -> list[ShipmentView]:
    """Build one shipment per (hub, FC, mode) of an applied plan (repeat-safe).

    Raises:
        UnknownReference: no such plan.
        InputError: the plan is not applied yet (its stock is not in transit).
    """
    ctx.require("operator")
    plan = plan_data(ctx, req.plan_id)
    if plan["status"] != "applied":
        raise InputError(
            "apply the plan first: its transfers are not in transit yet",
            record=req.plan_id,
            field="status",
            value=plan["status"],
        )
    ids = []
    on = date.fromisoformat(plan["as_of"])
    with ctx.engine.begin() as conn:
        posted = posted_keys_on(conn, transfer_keys(plan))
        for draft in group_transfers(plan, posted):
            ids.append(_create(conn, ctx, draft, req.company_prefix, on)[0])
        audit_on(
            conn,
            ctx,
            "shipment.create",
            target=req.plan_id,
            inputs={"plan": req.plan_id},
            result={"shipments": ids},
        )
    return [shipment_status(ctx, sid) for sid in ids]


def create_shipment(ctx: Context, draft: ShipmentDraft, prefix: str) -> str:
    """Store one shipment of ``draft`` (used for purchase orders); return its id."""
    with ctx.engine.begin() as conn:
        sid, _ = _create(conn, ctx, draft, prefix, _now().date())
        audit_on(
            conn,
            ctx,
            "shipment.create",
            target=sid,
            inputs={"source": draft.source, "ref": draft.source_ref},
        )
    return sid


def _shipment(conn: Connection, ctx: Context, sid: str) -> dict[str, Any]:
    row = get_shipment_on(conn, ctx.seller, sid)
    if row is None:
        raise UnknownReference("no such shipment", record="shipment", value=sid)
    return row


def book(ctx: Context, req: BookRequest) -> ShipmentView:
    """Confirm the booking with its tracking number (and the order it serves).

    Nothing is sent from here: a parcel's tracking goes to its channel order
    through :func:`worldpool.connectors.carrier_service.book_parcel`, which
    records it on the order and enqueues the channel's fulfillment push.
    """
    ctx.require("operator")
    with ctx.engine.begin() as conn:
        row = lock_shipments_on(conn, ctx.seller, [req.shipment_id]).get(
            req.shipment_id
        )
        if row is None:
            raise UnknownReference("no such shipment", value=req.shipment_id)
        values = {
            "booking": "confirmed",
            "tracking_number": req.tracking_number,
            "carrier": req.carrier or row["carrier"],
            "order_ref": req.order_ref or row["order_ref"],
        }
        update_shipment_on(conn, ctx.seller, req.shipment_id, values)
        audit_on(conn, ctx, "shipment.book", target=req.shipment_id, inputs=values)
    return shipment_status(ctx, req.shipment_id)


# -- documents --------------------------------------------------------------------
def _docs(ctx: Context, sid: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with reader(ctx.engine).connect() as conn:
        return _shipment(conn, ctx, sid), cartons_on(conn, ctx.seller, sid)


def _place(ctx: Context, node: str) -> str:
    known = ctx.catalog.nodes.get(node)
    return f"{node} {known.name}" if known is not None else node


def labels_pdf(ctx: Context, shipment_id: str) -> bytes:
    """Return the carton labels (GS1-128 SSCC barcodes) of a shipment as PDF."""
    row, cartons = _docs(ctx, shipment_id)
    labels = [
        LabelData(
            row["id"],
            c["sscc"],
            c["seq"],
            len(cartons),
            _place(ctx, row["origin"]),
            _place(ctx, row["destination"]),
            row["source_ref"],
            row["service"],
            tuple((s, int(q)) for s, q in c["contents"]),
            float(c["weight_kg"]),
        )
        for c in cartons
    ]
    return render_labels(labels)


def packing_list(ctx: Context, shipment_id: str) -> list[dict[str, Any]]:
    """Return the packing list: one row per (carton, SKU)."""
    return packing_list_rows(_docs(ctx, shipment_id)[1])


def packing_list_pdf(ctx: Context, shipment_id: str) -> bytes:
    """Return the packing list as an A4 PDF."""
    row, cartons = _docs(ctx, shipment_id)
    title = f"Packing list {row['id']}: {row['origin']} -> {row['destination']}"
    header = ("carton", "sscc", "size", "sku", "qty", "gross_kg", "volume_m3")
    return render_packing_list(title, header, packing_list_rows(cartons))


def asn(ctx: Context, shipment_id: str) -> dict[str, Any]:
    """Return the advance ship notice for the receiving node."""
    row, cartons = _docs(ctx, shipment_id)
    return asn_document(row, cartons, _now())


# -- reads ----------------------------------------------------------------------
def _view(
    conn: Connection, ctx: Context, row: dict[str, Any], now: datetime
) -> ShipmentView:
    evs = sorted(
        events_on(conn, ctx.seller, [row["id"]])[row["id"]],
        key=lambda e: (utc(e["event_time"]), e["event_id"]),
    )
    state = fold(map(as_event, evs), lane_of(row), now, utc(row["created_at"]))
    if row["status"] != "received":
        row = dict(row, **state_values(state, row))
    codes = (
        ()
        if row["status"] == "received"
        else tuple(exceptions_of(state, lane_of(row), now))
    )
    return ShipmentView(
        row, len(cartons_on(conn, ctx.seller, row["id"])), tuple(evs), codes
    )


def shipment_status(ctx: Context, shipment_id: str) -> ShipmentView:
    """Return a shipment with its events, state and ETA recomputed as of now."""
    with reader(ctx.engine).connect() as conn:
        return _view(conn, ctx, _shipment(conn, ctx, shipment_id), _now())


def list_shipments(ctx: Context, *, open_only: bool = False) -> list[dict[str, Any]]:
    """Return the seller's shipments (stored state), newest first."""
    with reader(ctx.engine).connect() as conn:
        return list_shipments_on(conn, ctx.seller, open_only=open_only)


def exceptions(ctx: Context, now: datetime | None = None) -> list[ShipmentException]:
    """Return open shipments late against their P90 or stuck in customs (signals)."""
    at = now or _now()
    out = []
    for row in list_shipments(ctx, open_only=True):
        state = state_of(row)
        started = state.started_at
        for code in exceptions_of(state, lane_of(row), at):
            msg = t(
                MESSAGES[code],
                ctx.language,
                id=row["id"],
                node=row["destination"],
                days=(at - started).days if started else 0,
                p90=row["lane_p90"],
                since=state.customs_since,
            )
            eta = row["eta"] and utc(row["eta"])
            out.append(ShipmentException(row["id"], code, msg, row["destination"], eta))
    return out


# -- arrival ----------------------------------------------------------------------
def receive(ctx: Context, req: ReceiveRequest) -> ReceiveResult:
    """Receive a shipment at its destination: in-transit to on-hand, in one go.

    Shortages and damages are their own movements with reasons; a purchase
    order's received quantities and status follow. A second receipt of the same
    shipment moves nothing.
    """
    ctx.require("operator")
    at = req.at or _now()
    with ctx.engine.begin() as conn:
        row = lock_shipments_on(conn, ctx.seller, [req.shipment_id]).get(
            req.shipment_id
        )
        if row is None:
            raise UnknownReference("no such shipment", value=req.shipment_id)
        if row["status"] == "received":
            return ReceiveResult(row["id"], 0, 0, 0, 0, already=True)
        moves = receipt_movements(row, req.short, req.damaged, at)
        posted = 0
        for m in moves:
            validate(m, ctx.catalog.nodes)
            posted += not post_on(conn, m, seller=ctx.seller).duplicate
        lines = [
            dict(
                ln,
                short=req.short.get(ln["sku"], 0),
                damaged=req.damaged.get(ln["sku"], 0),
            )
            for ln in row["payload"]["lines"]
        ]
        payload = dict(row["payload"], lines=lines)
        update_shipment_on(
            conn,
            ctx.seller,
            row["id"],
            {"status": "received", "received_at": at, "payload": payload},
        )
        if row["source"] == "po":
            _po_receipt(conn, ctx, row["source_ref"].split("#")[0], lines)
        short, damaged = sum(req.short.values()), sum(req.damaged.values())
        total = sum(int(ln["qty"]) for ln in lines)
        result = ReceiveResult(
            row["id"], total - short - damaged, short, damaged, posted, False
        )
        audit_on(
            conn,
            ctx,
            "shipment.receive",
            target=row["id"],
            inputs={"short": req.short, "damaged": req.damaged},
            result={"movements": posted},
        )
    return result


def _po_receipt(
    conn: Connection, ctx: Context, po_id: str, lines: list[dict[str, Any]]
) -> None:
    po = get_po_on(conn, ctx.seller, po_id, lock=True)
    if po is not None:
        payload, status = po_after_receipt(po["payload"], lines)
        values = {"payload": payload, "status": status, "updated_at": _now()}
        update_po_on(conn, ctx.seller, po_id, values)
