from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from worldpool.context import Context
from worldpool.logistics import service, tracking_service
from worldpool.logistics.build import ShipmentDraft
from worldpool.logistics.events import BizStep, TrackingEvent

T0 = datetime(2026, 11, 1, tzinfo=UTC)
STEPS = (
    (BizStep.SHIPPING, "in_transit"),
    (BizStep.DEPARTING, "in_transit"),
    (BizStep.ARRIVING, "in_transit"),
    (BizStep.CUSTOMS, "in_progress"),
    (BizStep.CUSTOMS, "in_transit"),
    (BizStep.RECEIVING, "in_progress"),
)


def test_concurrent_shuffled_senders_leave_every_state_complete(ctx: Context) -> None:
    """8 senders posting shuffled, repeated events of shared shipments: all end delivered."""
    lines = ({"sku": "MUG-1", "qty": 4, "keys": []},)
    ids = [
        service.create_shipment(
            ctx,
            ShipmentDraft(
                "po", f"PO-T#{i}", "supplier:t", "CN-SZX", "road", lines, (3, 6)
            ),
            "0614141",
        )
        for i in range(12)
    ]
    events = [
        TrackingEvent(f"{sid}:{k}", sid, step, T0 + k * timedelta(days=1), "", disp)
        for sid in ids
        for k, (step, disp) in enumerate(STEPS)
    ]
    rnd = random.Random(5)
    sent = events + [rnd.choice(events) for _ in range(len(events) // 4)]
    rnd.shuffle(sent)
    batches = [sent[i : i + 7] for i in range(0, len(sent), 7)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda b: tracking_service.ingest_events(ctx, b), batches)
        )
    assert sum(r.applied for r in results) == len(events)
    assert sum(r.duplicates for r in results) == len(sent) - len(events)
    rows = {r["id"]: r for r in service.list_shipments(ctx)}
    assert all(rows[sid]["status"] == "delivered" for sid in ids)
    assert all(rows[sid]["legs_done"] == 4 for sid in ids)
