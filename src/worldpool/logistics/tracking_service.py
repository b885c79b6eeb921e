"""Tracking service: events in (API, webhook, CSV), state and ETA out, exceptions.

Events are stored once per (seller, event id). One batch is one transaction:
the touched shipments are locked in id order (no deadlock between concurrent
senders), the events inserted with ``ON CONFLICT DO NOTHING``, and every
shipment that got a new event is refolded from all its stored events, so the
state never depends on arrival order or on which sender came first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from worldpool.audit import audit_on
from worldpool.context import Context
from worldpool.ledger.deadletter import DeadLetter, record_dead_letters_on
from worldpool.ledger.logistics_tables import (
    events_on,
    insert_events_on,
    lock_tracking_on,
    update_tracking_on,
)
from worldpool.logistics._rows import (
    as_event,
    event_row,
    lane_of,
    state_values,
    utc,
)
from worldpool.logistics.events import TrackingEvent, events_from_csv, events_from_json
from worldpool.logistics.records import IngestResult
from worldpool.logistics.track import fold

__all__ = ["ingest_events", "ingest_payload"]


def _now() -> datetime:
    return datetime.now(UTC)


def ingest_events(ctx: Context, events: Sequence[TrackingEvent]) -> IngestResult:
    """Store new tracking events (by event id) and refold their shipments' state.

    One transaction: the touched shipments are locked in id order, the events
    inserted (a stored id inserts nothing), and each shipment with a new event
    refolded from all its events.
    """
    ctx.require("operator")
    now = _now()
    unique = list({e.event_id: e for e in reversed(events)}.values())
    with ctx.engine.begin() as conn:
        rows = lock_tracking_on(conn, ctx.seller, (e.shipment for e in unique))
        rejected = [
            (e.event_id, "unknown shipment") for e in unique if e.shipment not in rows
        ]
        good = [event_row(ctx.seller, e, now) for e in unique if e.shipment in rows]
        new = set(insert_events_on(conn, good))
        touched = {r["shipment_id"] for r in good if r["event_id"] in new}
        stored = events_on(conn, ctx.seller, touched)
        updates = []
        for sid in sorted(touched):
            row = rows[sid]
            evs = map(as_event, stored[sid])
            state = fold(evs, lane_of(row), now, utc(row["created_at"]))
            updates.append({"id": sid, **state_values(state, row)})
        update_tracking_on(conn, ctx.seller, updates)
        audit_on(
            conn,
            ctx,
            "shipment.events",
            inputs={"events": len(events)},
            result={"applied": len(new), "rejected": len(rejected)},
        )
    dups = len(events) - len(new) - len(rejected)
    return IngestResult(len(new), dups, tuple(rejected), len(touched))


def ingest_payload(ctx: Context, raw: bytes | str, fmt: str = "json") -> IngestResult:
    """Parse events (EPCIS 2.0 JSON, flat JSON, or CSV) and ingest the good ones.

    Unparseable events are dead-lettered (kind ``tracking``) and reported.
    """
    text = raw.decode() if isinstance(raw, bytes) else raw
    good, bad = events_from_csv(text) if fmt == "csv" else events_from_json(text)
    result = ingest_events(ctx, good)
    if bad:
        letters = [
            DeadLetter(f"tracking {fmt}", "tracking", n, None, msg, {})
            for n, msg in bad
        ]
        with ctx.engine.begin() as conn:
            record_dead_letters_on(conn, letters)
    extra = tuple((f"#{n}", msg) for n, msg in bad)
    return replace(result, rejected=result.rejected + extra)
