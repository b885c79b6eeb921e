"""Fold a shipment's tracking events into its state, ETA and exceptions.

Events arrive in any order and may repeat: the state depends only on the set of
events (each business step's earliest time counts), never on arrival order. The
furthest milestone reached decides the status; a later milestone implies the
earlier ones even when their events never came.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from worldpool.logistics.eta import fit_legs, remaining_days
from worldpool.logistics.events import BizStep, TrackingEvent

__all__ = ["Lane", "TrackState", "exceptions_of", "fold"]

# Milestone index reached by each step (customs counts once released).
_REACHED = {
    BizStep.SHIPPING: 0,
    BizStep.DEPARTING: 1,
    BizStep.ARRIVING: 2,
    BizStep.RECEIVING: 4,
}
_STATUS = ("shipped", "departed", "arrived", "cleared", "delivered")
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Lane:
    """What the ETA needs of a shipment's lane."""

    mode: str
    """Lane mode."""
    p50_days: float
    """Median transit, in days."""
    p90_days: float
    """90th percentile transit, in days."""


@dataclass(frozen=True, slots=True)
class TrackState:
    """Where a shipment is and when it should arrive."""

    status: str
    """``booked``, ``shipped``, ``departed``, ``arrived``, ``in_customs``,
    ``cleared`` or ``delivered``."""
    legs_done: int
    """Milestones passed after handover (0..4); -1 before handover."""
    started_at: datetime | None
    """Handover time (``shipping``), or the earliest event when it is missing."""
    milestone_at: datetime | None
    """Time of the furthest milestone reached."""
    customs_since: datetime | None
    """Start of an unreleased customs clearance or hold, else None."""
    eta: datetime | None
    """Median arrival at the destination node."""
    eta_p90: datetime | None
    """90th percentile arrival."""
    last_event_at: datetime | None
    """Latest event time seen."""
    steps: dict[str, datetime] = field(default_factory=dict)
    """Earliest time of each business step seen (``customs_released`` too)."""


def _earliest(events: Iterable[TrackingEvent]) -> dict[str, datetime]:
    seen: dict[str, datetime] = {}
    for e in events:
        key = "customs_released" if e.customs_released else e.biz_step.value
        if key not in seen or e.event_time < seen[key]:
            seen[key] = e.event_time
    return seen


def _furthest(steps: dict[str, datetime]) -> tuple[int, datetime | None]:
    best, at = -1, None
    for step, idx in _REACHED.items():
        if step.value in steps and idx > best:
            best, at = idx, steps[step.value]
    if "customs_released" in steps and best < 3:
        best, at = 3, steps["customs_released"]
    return best, at


def fold(
    events: Iterable[TrackingEvent],
    lane: Lane,
    now: datetime,
    booked_at: datetime | None = None,
) -> TrackState:
    """Return the state of a shipment from all its events, as of ``now``.

    Args:
        events: Every event of the shipment (any order, repeats harmless).
        lane: The shipment's lane (mode, P50, P90 days).
        now: Time the ETA is computed at (conditions the current leg).
        booked_at: Booking time, the ETA start before any event.
    """
    evs = list(events)
    steps = _earliest(evs)
    done, at = _furthest(steps)
    started = steps.get("shipping") or min(steps.values(), default=booked_at)
    in_customs = "customs" in steps and done < 3
    status = "booked" if done < 0 else _STATUS[done]
    if in_customs:
        status = "in_customs"
    fit = fit_legs(lane.mode, lane.p50_days, lane.p90_days)
    origin = at if done >= 0 else started
    eta = eta90 = None
    if done >= 4:
        eta = eta90 = at
    elif origin is not None:
        elapsed = max((now - origin) / _DAY, 0.0)
        p50, p90 = remaining_days(fit, max(done, 0), elapsed)
        base = origin + elapsed * _DAY
        eta, eta90 = base + p50 * _DAY, base + p90 * _DAY
    return TrackState(
        status,
        done,
        started,
        at,
        steps["customs"] if in_customs else None,
        eta,
        eta90,
        max((e.event_time for e in evs), default=None),
        steps,
    )


def exceptions_of(state: TrackState, lane: Lane, now: datetime) -> list[str]:
    """Return exception codes of an undelivered shipment as of ``now``.

    ``late``: past handover + the lane's P90. ``customs_stuck``: under clearance
    (or held) longer than the customs leg's P90.
    """
    if state.legs_done >= 4:
        return []
    out = []
    start = state.started_at
    if start is not None and now > start + lane.p90_days * _DAY:
        out.append("late")
    if state.customs_since is not None:
        fit = fit_legs(lane.mode, lane.p50_days, lane.p90_days)
        if now > state.customs_since + fit.quantile(2, 0.9) * _DAY:
            out.append("customs_stuck")
    return out
