"""Operational signals from plain records: orders, dead letters, late arrivals, customs.

Each builder is a pure function of small records the service reads from the
other capabilities; each signal carries its numbers and one proposed action.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from worldpool.assistant.signal import ActionKind, ProposedAction, Signal, SignalKind

__all__ = [
    "Blocker",
    "ChannelHealth",
    "DeadLetterInfo",
    "LateArrival",
    "OpenOrder",
    "channel_signals",
    "customs_signals",
    "dead_letter_signals",
    "late_signals",
    "order_signals",
]


@dataclass(frozen=True, slots=True)
class OpenOrder:
    """An order not shipped yet."""

    key: str
    """``channel:order id``."""
    market: str
    """Marketplace."""
    status: str
    """Order status (``accepted``, ``backordered`` ...)."""
    value: Decimal
    """Order value, in ``currency``."""
    currency: str
    """ISO 4217 code."""
    backordered_units: int
    """Units waiting for stock."""
    age_days: float
    """Days since the order came in."""
    sku: str | None = None
    """First SKU short, for the proposed action."""


@dataclass(frozen=True, slots=True)
class DeadLetterInfo:
    """A refused incoming record waiting for a person."""

    id: int
    """Dead-letter id."""
    source: str
    """Where it came from (file, channel)."""
    kind: str
    """What it was (order, sku, asn ...)."""
    error: str
    """Why it was refused."""
    age_days: float
    """Days it has waited."""


@dataclass(frozen=True, slots=True)
class LateArrival:
    """A transfer or purchase order past its promised arrival."""

    reference: str
    """Transfer or PO reference."""
    is_po: bool
    """True for a purchase order (supplier -> hub), False for a transfer."""
    sku: str
    """SKU."""
    node: str
    """Where it should land."""
    qty: int
    """Units still expected."""
    value: Decimal
    """Value of those units at cost, in ``currency``."""
    currency: str
    """ISO 4217 code."""
    days_late: float
    """Days past the promised (P90) arrival."""


@dataclass(frozen=True, slots=True)
class Blocker:
    """Something that stops a SKU clearing customs into a market."""

    sku: str
    """SKU."""
    market: str
    """Marketplace (destination)."""
    rule: str
    """Which check (``hs_code``, ``battery``, ``eori``, ``ioss`` ...)."""
    detail: str
    """The check's own words."""
    value_at_stake: Decimal
    """Sales that cannot ship while it stands (e.g. 28 days of demand x price)."""
    currency: str
    """ISO 4217 code."""
    suggested_code: str | None = None
    """For ``hs_code``: the suggester's best code, proposed as the fix."""


def order_signals(
    orders: Iterable[OpenOrder], stuck_after_days: float = 2.0
) -> list[Signal]:
    """Return a signal per backordered order and per order stuck too long (days)."""
    out: list[Signal] = []
    for o in orders:
        if o.backordered_units > 0:
            action = (
                ProposedAction(
                    ActionKind.SERVE_FROM_ORIGIN,
                    {"sku": o.sku, "market": o.market, "allow": True},
                )
                if o.sku
                else ProposedAction(ActionKind.REVIEW, {"order": o.key})
            )
            out.append(
                Signal(
                    kind=SignalKind.BACKORDER,
                    key=f"backorder:{o.key}",
                    impact=o.value,
                    currency=o.currency,
                    sku=o.sku,
                    market=o.market,
                    message=(
                        "Order {order} in {market} waits for {units} units "
                        "({days} days)."
                    ),
                    numbers={
                        "order": o.key,
                        "market": o.market,
                        "units": o.backordered_units,
                        "days": round(o.age_days, 1),
                    },
                    action=action,
                )
            )
        elif o.age_days > stuck_after_days:
            out.append(
                Signal(
                    kind=SignalKind.STUCK_ORDER,
                    key=f"stuck:{o.key}",
                    impact=o.value,
                    currency=o.currency,
                    sku=o.sku,
                    market=o.market,
                    message=(
                        "Order {order} in {market} is {status} for {days} days, "
                        "not shipped."
                    ),
                    numbers={
                        "order": o.key,
                        "market": o.market,
                        "status": o.status,
                        "days": round(o.age_days, 1),
                    },
                    action=ProposedAction(ActionKind.REVIEW, {"order": o.key}),
                )
            )
    return out


def dead_letter_signals(
    letters: Iterable[DeadLetterInfo], currency: str
) -> list[Signal]:
    """Return one signal per dead letter (impact 0: unknown until fixed)."""
    return [
        Signal(
            kind=SignalKind.DEAD_LETTER,
            key=f"dead_letter:{d.id}",
            impact=Decimal(0),
            currency=currency,
            message="A {kind} from {source} was refused: {error}",
            numbers={
                "id": d.id,
                "kind": d.kind,
                "source": d.source,
                "error": d.error,
                "days": round(d.age_days, 1),
            },
            action=ProposedAction(ActionKind.REVIEW, {"dead_letter": d.id}),
        )
        for d in letters
    ]


def late_signals(arrivals: Iterable[LateArrival]) -> list[Signal]:
    """Return a signal per transfer or purchase order past its promised arrival."""
    out = []
    for a in arrivals:
        if a.days_late <= 0:
            continue
        kind = SignalKind.LATE_PO if a.is_po else SignalKind.LATE_TRANSFER
        out.append(
            Signal(
                kind=kind,
                key=f"{kind}:{a.reference}:{a.sku}",
                impact=a.value,
                currency=a.currency,
                sku=a.sku,
                message=(
                    "{reference}: {qty} units of {sku} for {node} are {days} days late."
                ),
                numbers={
                    "reference": a.reference,
                    "qty": a.qty,
                    "sku": a.sku,
                    "node": a.node,
                    "days": round(a.days_late, 1),
                },
                action=ProposedAction(ActionKind.REVIEW, {"reference": a.reference}),
                probability=1.0,
            )
        )
    return out


def customs_signals(blockers: Iterable[Blocker]) -> list[Signal]:
    """Return a signal per customs blocker; a missing HS code proposes a code."""
    out = []
    for b in blockers:
        if b.rule == "hs_code" and b.suggested_code:
            action = ProposedAction(
                ActionKind.FIX_HS_CODE, {"sku": b.sku, "hs_code": b.suggested_code}
            )
        else:
            action = ProposedAction(ActionKind.REVIEW, {"sku": b.sku, "rule": b.rule})
        out.append(
            Signal(
                kind=SignalKind.CUSTOMS_BLOCKER,
                key=f"customs:{b.rule}:{b.sku}:{b.market}",
                impact=b.value_at_stake,
                currency=b.currency,
                sku=b.sku,
                market=b.market,
                message="{sku} cannot clear into {market}: {detail}",
                numbers={
                    "sku": b.sku,
                    "market": b.market,
                    "rule": b.rule,
                    "detail": b.detail,
                    "suggested": b.suggested_code or "",
                },
                action=action,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class ChannelHealth:
    """One active shop connection's sync state and what its channel sells."""

    name: str
    """Connection name."""
    channel: str
    """Channel id."""
    market: str
    """Marketplace the connection sells in."""
    lag_s: float | None
    """Seconds since its last good order poll (None: never polled)."""
    oldest_pending_s: float | None
    """Age of its oldest push waiting in the outbox, in seconds."""
    dead: int
    """Pushes that failed for good."""
    last_error: str | None
    """Its last error (no secrets)."""
    daily_value: Decimal
    """Order value per day the channel took in that market lately (money)."""
    currency: str
    """ISO 4217 code of ``daily_value``."""


def _stalled_s(h: ChannelHealth) -> float:
    """Seconds the connection has been out of sync (inf: never polled)."""
    lag = h.lag_s if h.lag_s is not None else float("inf")
    return max(lag, h.oldest_pending_s or 0.0)


def channel_signals(
    health: Iterable[ChannelHealth], late_minutes: float = 15.0
) -> list[Signal]:
    """Return a signal per connection out of sync (minutes) or with dead pushes.

    Impact: the channel's daily order value x the days it has been out of
    sync (at least an hour's worth; a day's for a connection never polled):
    the sales taken blind to the pool's stock, or not taken in at all.
    """
    out = []
    for h in health:
        stalled = _stalled_s(h)
        late = stalled > late_minutes * 60.0
        if not late and not h.dead:
            continue
        seconds = max(min(stalled, 86400.0), 3600.0) if late else 0.0
        impact = h.daily_value * Decimal(str(seconds)) / Decimal(86400)
        never = h.lag_s is None
        out.append(
            Signal(
                kind=SignalKind.CHANNEL_SYNC,
                key=f"channel_sync:{h.name}",
                impact=impact.quantize(Decimal("0.01")),
                currency=h.currency,
                market=h.market,
                message=(
                    "Shop {connection} ({channel}, {market}) has never pulled "
                    "orders: is the sync worker running? Last error: {error}"
                    if never
                    else "Shop {connection} ({channel}, {market}) is {minutes} "
                    "minutes out of sync; {dead} pushes failed for good. "
                    "Last error: {error}"
                ),
                numbers={
                    "connection": h.name,
                    "channel": h.channel,
                    "market": h.market,
                    "minutes": 0.0 if never else round(stalled / 60.0, 1),
                    "dead": h.dead,
                    "error": h.last_error or "-",
                },
                action=ProposedAction(ActionKind.REVIEW, {"connection": h.name}),
                probability=1.0,
            )
        )
    return out
