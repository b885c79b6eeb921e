"""Conversions between stored logistics rows and the pure records (no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from worldpool.logistics.events import BizStep, TrackingEvent
from worldpool.logistics.track import Lane, TrackState

__all__ = [
    "MESSAGES",
    "as_event",
    "event_row",
    "lane_of",
    "state_of",
    "state_values",
    "utc",
]

MESSAGES = {
    "late": (
        "Shipment {id} to {node} is late: {days} days past handover, "
        "beyond its P90 of {p90} days."
    ),
    "customs_stuck": (
        "Shipment {id} to {node} has been in customs since {since}, longer than usual."
    ),
}
"""Exception sentences (English msgids for :func:`worldpool.i18n.t`)."""


def lane_of(row: dict[str, Any]) -> Lane:
    """Return the lane facts of a stored shipment row."""
    return Lane(row["mode"], float(row["lane_p50"]), float(row["lane_p90"]))


def utc(t: datetime) -> datetime:
    """Return ``t`` as an aware UTC time (SQLite hands back naive UTC times)."""
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def as_event(e: dict[str, Any]) -> TrackingEvent:
    """Return the record of a stored tracking-event row."""
    return TrackingEvent(
        e["event_id"],
        e["shipment_id"],
        BizStep(e["biz_step"]),
        utc(e["event_time"]),
        e["read_point"],
        e["disposition"],
    )


def state_values(state: TrackState, row: dict[str, Any]) -> dict[str, Any]:
    """Return the shipment columns that store ``state`` (a receipt stays final)."""
    status = "received" if row["status"] == "received" else state.status
    return {
        "status": status,
        "legs_done": state.legs_done,
        "started_at": state.started_at,
        "customs_since": state.customs_since,
        "eta": state.eta,
        "eta_p90": state.eta_p90,
        "last_event_at": state.last_event_at,
    }


def state_of(row: dict[str, Any]) -> TrackState:
    """Return the stored tracking state of a shipment row (for exceptions)."""
    started = row["started_at"]
    since = row["customs_since"]
    return TrackState(
        row["status"],
        int(row["legs_done"]),
        utc(started) if started else None,
        None,
        utc(since) if since else None,
        row["eta"],
        row["eta_p90"],
        None,
    )


def event_row(seller: str, e: TrackingEvent, now: datetime) -> dict[str, Any]:
    """Return the stored row of event ``e`` for ``seller``."""
    return {
        "seller": seller,
        "event_id": e.event_id[:200],
        "shipment_id": e.shipment,
        "biz_step": e.biz_step.value,
        "disposition": e.disposition[:32],
        "event_time": e.event_time,
        "read_point": e.read_point[:128],
        "epcs": ",".join(e.epcs),
        "recorded_at": now,
    }
