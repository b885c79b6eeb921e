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
from typing import Any

from worldpool.audit import audit_on
from worldpool.context import Context
from worldpool.ledger.db import reader
from worldpool.ledger.dead_letter_store import DeadLetter, record_dead_letters_on
from worldpool.ledger.logistics_tables import (
    event_counts_on,
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
from worldpool.logistics.track import TrackState, fold
from worldpool.textio import decode_text

__all__ = ["ingest_events", "ingest_payload"]


def _now() -> datetime:
    return datetime.now(UTC)


def ingest_events(ctx: Context, events: Sequence[TrackingEvent]) -> IngestResult:
    """Store new tracking events (by event id) and refold their shipments' state.

    First the events are stored (a stored id inserts nothing) in one
    transaction. Then each shipment that got a new event is refolded from all its
    stored events, read without locks; a second, short transaction locks those
    shipments in id order, refolds again any whose event count changed meanwhile,
    and writes the states. Events are only ever added, so an unchanged count
    means an unchanged set: the stored state always reflects every committed
    event, whatever the order and concurrency of the senders.
    """
    ctx.require("operator")
    now = _now()
    unique = list({e.event_id: e for e in reversed(events)}.values())
    with ctx.engine.begin() as conn:
        rows = lock_tracking_on(
            conn, ctx.seller, (e.shipment for e in unique), lock=False
        )
        rejected = [
            (e.event_id, "unknown shipment") for e in unique if e.shipment not in rows
        ]
        # Sorted by event id: concurrent batches then take the unique-index
        # entries they share in the same order and cannot deadlock.
        good = sorted(
            (event_row(ctx.seller, e, now) for e in unique if e.shipment in rows),
            key=lambda r: r["event_id"],
        )
        new = set(insert_events_on(conn, good))
        audit_on(
            conn,
            ctx,
            "shipment.events",
            inputs={"events": len(events)},
            result={"applied": len(new), "rejected": len(rejected)},
        )
    touched = {r["shipment_id"] for r in good if r["event_id"] in new}
    if touched:
        _refold(ctx, touched, now)
    dups = len(events) - len(new) - len(rejected)
    return IngestResult(len(new), dups, tuple(rejected), len(touched))


def _states(
    rows: dict[str, dict[str, Any]],
    stored: dict[str, list[dict[str, Any]]],
    now: datetime,
) -> dict[str, TrackState]:
    return {
        sid: fold(
            map(as_event, evs), lane_of(rows[sid]), now, utc(rows[sid]["created_at"])
        )
        for sid, evs in stored.items()
    }


def _refold(ctx: Context, touched: set[str], now: datetime) -> None:
    with reader(ctx.engine).connect() as conn:
        rows = lock_tracking_on(conn, ctx.seller, touched, lock=False)
        stored = events_on(conn, ctx.seller, touched)
    states = _states(rows, stored, now)
    with ctx.engine.begin() as conn:
        locked = lock_tracking_on(conn, ctx.seller, touched)
        counts = event_counts_on(conn, ctx.seller, touched)
        stale = [s for s in touched if counts.get(s, 0) != len(stored[s])]
        if stale:
            states |= _states(locked, events_on(conn, ctx.seller, stale), now)
        updates = [
            {"id": sid, **state_values(states[sid], locked[sid])}
            for sid in sorted(touched)
        ]
        update_tracking_on(conn, ctx.seller, updates)


def ingest_payload(ctx: Context, raw: bytes | str, fmt: str = "json") -> IngestResult:
    """Parse events (EPCIS 2.0 JSON, flat JSON, or CSV) and ingest the good ones.

    Unparseable events are dead-lettered (kind ``tracking``) and reported.
    """
    text = decode_text(raw, f"tracking {fmt}") if isinstance(raw, bytes) else raw
    good, bad = events_from_csv(text) if fmt == "csv" else events_from_json(text)
    result = ingest_events(ctx, good)
    if bad:
        letters = [
            DeadLetter(f"tracking {fmt}", "tracking", n, None, msg, {})
            for n, msg in bad
        ]
        with ctx.engine.begin() as conn:
            record_dead_letters_on(conn, ctx.seller, letters)
    extra = tuple((f"#{n}", msg) for n, msg in bad)
    return replace(result, rejected=result.rejected + extra)
