from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from worldpool.context import Context
from worldpool.errors import Forbidden, InputError
from worldpool.ledger import Ledger
from worldpool.ledger.audit_tables import outbox
from worldpool.logistics import po_service, quote_service, service, tracking_service
from worldpool.logistics.records import (
    BookRequest,
    PlanShipmentsRequest,
    PurchaseOrderRequest,
    QuoteAsk,
    ReceiveRequest,
    ShipPurchaseOrder,
)

CONTRACT = (
    "service,carrier,mode,origin,destination,basis,break_from,rate,per_shipment,"
    "min_charge,divisor,capacity_m3,max_piece_kg,currency,source,effective_date\n"
    "CN-SZX>US-FC1:air,MyForwarder,air,CN-SZX,US-FC1,kg,0,0.50,0,0,6000,0,300,"
    "USD,contract 2026-01,2020-01-01\n"
)


def test_quote_units_packs_and_contracted_rates_win(ctx: Context) -> None:
    """Units of SKUs are packed to quote; a seller's contract rate then ranks first."""
    ask = QuoteAsk("CN-SZX", "US-FC1", units=(("MUG-1", 200), ("CAP-2", 50)))
    before = quote_service.quote(ctx, ask)
    assert before and all(q.freight > 0 for q in before)
    assert quote_service.load_rates(ctx, CONTRACT) == 1
    after = quote_service.quote(ctx, ask)
    assert after[0].carrier == "MyForwarder"


def test_viewer_cannot_load_rates_or_receive(ctx: Context) -> None:
    """Writes need their role: a viewer is refused."""
    viewer = ctx.acting_as(role="viewer")
    with pytest.raises(Forbidden):
        quote_service.load_rates(viewer, CONTRACT)
    with pytest.raises(Forbidden):
        service.receive(viewer, ReceiveRequest("SHP-X"))


def test_unapplied_plan_gives_no_shipments(ctx: Context) -> None:
    """A plan id that is unknown raises; shipments need the plan applied."""
    with pytest.raises(InputError):
        service.shipments_from_plan(ctx, PlanShipmentsRequest("PLAN-000000000000"))


def test_booking_records_the_tracking_and_sends_nothing_itself(
    ctx: Context, applied_plan: str
) -> None:
    """Booking stores the tracking number (repeat-safe) and enqueues nothing.

    A parcel's tracking reaches its channel order through the connectors'
    ``book_parcel`` (tests/connectors/test_carriers.py); a freight booking has
    no channel to tell, so no outbox row waits for a destination that no
    worker delivers.
    """
    sid = service.shipments_from_plan(ctx, PlanShipmentsRequest(applied_plan))[0].row[
        "id"
    ]
    req = BookRequest(sid, "1Z999AA10123456784", order_ref="ORDER-7")
    service.book(ctx, req)
    view = service.book(ctx, req)
    assert (
        view.row["booking"] == "confirmed"
        and view.row["tracking_number"] == req.tracking_number
        and view.row["order_ref"] == "ORDER-7"
    )
    with ctx.engine.connect() as conn:
        assert conn.execute(select(outbox)).all() == []


def test_purchase_order_lifecycle_with_partial_receipts(
    ctx: Context, ledger: Ledger
) -> None:
    """A PO goes open, confirmed, shipped, partly and fully received; hub stock follows."""
    hub_before = {b.sku: b.on_hand for b in ledger.balances(node="CN-SZX")}
    po = po_service.open_purchase_order(
        ctx,
        PurchaseOrderRequest(
            "Ningbo Ceramics", "CN-SZX", (("MUG-1", 100), ("CAP-2", 40))
        ),
    )
    assert po["status"] == "open"
    with pytest.raises(InputError):
        po_service.ship_purchase_order(ctx, ShipPurchaseOrder(po["id"]))
    po_service.confirm_purchase_order(ctx, po["id"])
    first = po_service.ship_purchase_order(
        ctx, ShipPurchaseOrder(po["id"], (("MUG-1", 60),))
    )
    assert po_service.get_purchase_order(ctx, po["id"])["status"] == "shipped"
    labels = service.labels_pdf(ctx, first)
    assert labels.startswith(b"%PDF")
    service.receive(
        ctx, ReceiveRequest(first, short={"MUG-1": 5}, damaged={"MUG-1": 2})
    )
    mid = po_service.get_purchase_order(ctx, po["id"])
    assert mid["status"] == "partially_received"
    second = po_service.ship_purchase_order(ctx, ShipPurchaseOrder(po["id"]))
    service.receive(ctx, ReceiveRequest(second))
    done = po_service.get_purchase_order(ctx, po["id"])
    assert done["status"] == "received"
    hub = {b.sku: b.on_hand for b in ledger.balances(node="CN-SZX")}
    assert hub["MUG-1"] - hub_before["MUG-1"] == 100 - 2
    assert hub["CAP-2"] - hub_before["CAP-2"] == 40
    assert not ledger.check().drifts


def test_csv_events_dead_letter_bad_rows_and_flag_exceptions(
    ctx: Context, ledger: Ledger, applied_plan: str
) -> None:
    """CSV events land (bad rows dead-lettered); a long customs hold is an exception."""
    sid = service.shipments_from_plan(ctx, PlanShipmentsRequest(applied_plan))[0].row[
        "id"
    ]
    t0 = datetime.now(UTC) - timedelta(days=80)
    csv = (
        "event_id,shipment,biz_step,event_time,read_point,disposition\n"
        f"c1,{sid},shipping,{t0.isoformat()},CNSZX,in_transit\n"
        f"c2,{sid},arriving,{(t0 + timedelta(days=20)).isoformat()},USLGB,in_transit\n"
        f"c3,{sid},customs,{(t0 + timedelta(days=21)).isoformat()},USLGB,in_progress\n"
        f"c4,{sid},flying,{t0.isoformat()},,\n"
        f"c5,SHP-NOPE,shipping,{t0.isoformat()},,\n"
    )
    result = tracking_service.ingest_payload(ctx, csv, "csv")
    assert result.applied == 3 and len(result.rejected) == 2
    assert any(d.kind == "tracking" for d in ledger.dead_letters())
    codes = {(x.shipment_id, x.code) for x in service.exceptions(ctx)}
    assert {(sid, "late"), (sid, "customs_stuck")} <= codes
    again = tracking_service.ingest_payload(ctx, csv, "csv")
    assert again.applied == 0 and again.duplicates == 3
