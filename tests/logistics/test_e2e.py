from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pypdfium2 as pdfium
import zxingcpp

from worldpool.context import Context
from worldpool.ledger import Ledger
from worldpool.logistics import service, tracking_service
from worldpool.logistics.events import BizStep, TrackingEvent
from worldpool.logistics.records import PlanShipmentsRequest, ReceiveRequest
from worldpool.logistics.sscc import sscc_is_valid

T0 = datetime(2026, 11, 25, 8, tzinfo=UTC)


def _events(sid: str, p50: float) -> list[TrackingEvent]:
    """A full journey of one shipment, milestone by milestone."""
    steps = [
        (BizStep.SHIPPING, 0.0, "in_transit"),
        (BizStep.DEPARTING, 0.1, "in_transit"),
        (BizStep.ARRIVING, 0.7, "in_transit"),
        (BizStep.CUSTOMS, 0.75, "in_progress"),
        (BizStep.CUSTOMS, 0.8, "in_transit"),
        (BizStep.RECEIVING, 1.0, "in_progress"),
    ]
    return [
        TrackingEvent(f"{sid}:{i}", sid, step, T0 + timedelta(days=p50 * f), "", disp)
        for i, (step, f, disp) in enumerate(steps)
    ]


def _decode_first_label(pdf: bytes) -> str:
    page = pdfium.PdfDocument(pdf)[0]
    image = np.asarray(page.render(scale=300 / 72).to_pil().convert("L"))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return found[0].text


def test_plan_to_stock_end_to_end(
    ctx: Context, ledger: Ledger, applied_plan: str
) -> None:
    """Plan -> shipments -> labels -> shuffled, repeated events -> receipt: stock lands, drift 0."""
    before = {(b.sku, b.node): b for b in ledger.balances()}
    views = service.shipments_from_plan(ctx, PlanShipmentsRequest(applied_plan))
    assert views and all(v.cartons > 0 for v in views)
    again = service.shipments_from_plan(ctx, PlanShipmentsRequest(applied_plan))
    assert [v.row["id"] for v in again] == [v.row["id"] for v in views]

    first = views[0].row["id"]
    ssccs = [r["sscc"] for r in service.packing_list(ctx, first)]
    assert ssccs and all(sscc_is_valid(s) for s in ssccs)
    assert _decode_first_label(service.labels_pdf(ctx, first)) == f"(00){ssccs[0]}"
    asn = service.asn(ctx, first)
    assert sum(u["contents"][0]["qty"] for u in asn["logistic_units"]) > 0

    events = [e for v in views for e in _events(v.row["id"], v.row["lane_p50"])]
    sent = events + random.Random(7).sample(events, len(events) // 2)
    random.Random(3).shuffle(sent)
    results = [
        tracking_service.ingest_events(ctx, sent[i : i + 5])
        for i in range(0, len(sent), 5)
    ]
    assert sum(r.applied for r in results) == len(events)
    assert sum(r.duplicates for r in results) == len(sent) - len(events)
    assert all(
        service.shipment_status(ctx, v.row["id"]).row["status"] == "delivered"
        for v in views
    )

    for v in views:
        receipt = service.receive(ctx, ReceiveRequest(v.row["id"]))
        assert receipt.received == sum(ln["qty"] for ln in v.row["payload"]["lines"])
    assert service.receive(ctx, ReceiveRequest(first)).already

    after = {(b.sku, b.node): b for b in ledger.balances()}
    for v in views:
        fc = v.row["destination"]
        for ln in v.row["payload"]["lines"]:
            key = (ln["sku"], fc)
            assert after[key].in_transit == before[key].in_transit - ln["qty"]
            assert after[key].on_hand == before[key].on_hand + ln["qty"]
    assert not ledger.check().drifts


def test_short_and_damaged_are_their_own_movements(
    ctx: Context, ledger: Ledger, applied_plan: str
) -> None:
    """A receipt with short and damaged units posts three movements with reasons; stock adds up."""
    view = service.shipments_from_plan(ctx, PlanShipmentsRequest(applied_plan))[0]
    line = view.row["payload"]["lines"][0]
    sku, fc, qty = line["sku"], view.row["destination"], line["qty"]
    before = next(b for b in ledger.balances(sku=sku, node=fc))
    result = service.receive(
        ctx, ReceiveRequest(view.row["id"], short={sku: 1}, damaged={sku: 2})
    )
    assert (result.short, result.damaged) == (1, 2)
    after = next(b for b in ledger.balances(sku=sku, node=fc))
    assert after.on_hand - before.on_hand == qty - 3
    assert before.in_transit - after.in_transit == qty
    reasons = {e.reason for e in ledger.journal(reference=view.row["id"], sku=sku)}
    assert {"received", "short on arrival", "damaged on arrival"} <= reasons
    assert not ledger.check().drifts
