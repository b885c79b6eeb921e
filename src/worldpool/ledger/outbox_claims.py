"""Claiming outbox rows under a lease, and settling only what one still owns.

A connection's rows are delivered by the worker holding the connection's
lease (:mod:`worldpool.ledger.connections`). Each claim records that lease's
fencing token (``owner#epoch``, see :func:`lease_token`) in ``claimed_by``;
the epoch goes up on every claim of the connection, so a token names one
lease and never comes back. Then:

* a holder that took the connection over frees the rows claimed under any
  other token (:func:`unclaim_outbox_on`): those leases have ended;
* a holder settles or retries a row only while it is still claimed under its
  own token (:func:`still_claimed_on` locks them first), so a worker that
  stalled past its lease cannot mark delivered, or push back, rows the new
  holder took.

Rows claimed without a token (carrier label rows, callers without a lease)
are not fenced: they behave as before 0008.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, or_, select, update

from worldpool.ledger.audit_tables import outbox

__all__ = [
    "claim_outbox_on",
    "lease_token",
    "retry_outbox_on",
    "settle_outbox_on",
    "still_claimed_on",
    "unclaim_outbox_on",
]

_O = outbox.c


def _now() -> datetime:
    return datetime.now(UTC)


def lease_token(owner: str, epoch: int) -> str:
    """Return the fencing token of a lease: its holder and its epoch."""
    return f"{owner}#{epoch}"


def claim_outbox_on(
    conn: Connection,
    seller: str,
    destination: str,
    limit: int,
    lease_s: float,
    *,
    token: str | None = None,
) -> list[dict[str, Any]]:
    """Claim up to ``limit`` due pending rows of ``destination``, oldest first.

    Each claimed row's ``attempts`` goes up by one, it is hidden from other
    claims for ``lease_s`` seconds and ``claimed_by`` becomes ``token``.
    Payloads come back decoded.
    """
    now = _now()
    stmt = (
        select(_O.id)
        .where(
            and_(
                _O.seller == seller,
                _O.destination == destination,
                _O.status == "pending",
                _O.next_attempt_at <= now,
            )
        )
        .order_by(_O.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    ids = list(conn.execute(stmt).scalars())
    if not ids:
        return []
    conn.execute(
        update(outbox)
        .where(_O.id.in_(ids))
        .values(
            attempts=_O.attempts + 1,
            next_attempt_at=now + timedelta(seconds=lease_s),
            claimed_by=token,
        )
    )
    rows = conn.execute(select(outbox).where(_O.id.in_(ids)).order_by(_O.id))
    out = []
    for r in rows:
        item = dict(r._mapping)
        item["payload"] = json.loads(item["payload"])
        out.append(item)
    return out


def still_claimed_on(conn: Connection, items: Sequence[dict[str, Any]]) -> set[int]:
    """Lock and return the ids of ``items`` still pending under their own claim.

    An item claimed with a token counts only while ``claimed_by`` still holds
    that token (a holder that took the connection over clears it); an item
    claimed without one counts while pending. The rows stay locked (on
    PostgreSQL) until the caller's transaction ends, so a takeover's
    :func:`unclaim_outbox_on` cannot free them between this check and the
    caller's settle.
    """
    if not items:
        return set()
    tokens = {int(i["id"]): i.get("claimed_by") for i in items}
    stmt = (
        select(_O.id, _O.claimed_by)
        .where(and_(_O.id.in_(sorted(tokens)), _O.status == "pending"))
        .order_by(_O.id)
    )
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return {
        int(rid)
        for rid, by in conn.execute(stmt)
        if tokens[int(rid)] is None or by == tokens[int(rid)]
    }


def settle_outbox_on(
    conn: Connection, ids: list[int], status: str, *, token: str | None = None
) -> int:
    """Mark rows ``delivered`` (stamping ``delivered_at``) or ``superseded``.

    With ``token``, only rows still claimed under it change. Returns how many
    rows changed.
    """
    if not ids:
        return 0
    values: dict[str, Any] = {"status": status, "last_error": None}
    if status == "delivered":
        values["delivered_at"] = _now()
    where = and_(_O.id.in_(ids), _O.status == "pending")
    if token is not None:
        where = and_(where, _O.claimed_by == token)
    return int(conn.execute(update(outbox).where(where).values(**values)).rowcount)


def retry_outbox_on(
    conn: Connection,
    item_id: int,
    error: str,
    delay_s: float,
    *,
    dead: bool,
    token: str | None = None,
) -> bool:
    """Schedule a failed row again after ``delay_s`` seconds, or mark it ``dead``.

    The row is no longer in flight: its claim is cleared. With ``token``, a
    row no longer claimed under it is left alone. True when the row changed.
    """
    values: dict[str, Any] = {
        "last_error": error[:500],
        "next_attempt_at": _now() + timedelta(seconds=delay_s),
        "claimed_by": None,
    }
    if dead:
        values["status"] = "dead"
    where = and_(_O.id == item_id, _O.status == "pending")
    if token is not None:
        where = and_(where, _O.claimed_by == token)
    return bool(conn.execute(update(outbox).where(where).values(**values)).rowcount)


def unclaim_outbox_on(
    conn: Connection,
    seller: str,
    destination: str,
    *,
    keep: str | None = None,
    only: str | None = None,
) -> int:
    """Make ``destination``'s claimed or backing-off rows due now; return how many.

    For a worker that just took a connection over from a dead or stalled one
    (whose claims would otherwise hide the rows until their claim lease ends)
    or whose own batch broke off. Rows claimed under ``keep`` (the caller's
    own lease: a batch it has in flight) stay claimed; every other claim
    belongs to a lease that has ended, since one lease holds the connection
    at a time. Freed rows lose their claim, so their old holder can no longer
    settle them. ``only``: free just the rows claimed under that token (a
    holder whose own batch broke off). Rows never tried (a stale or held
    level due later on purpose) keep their time.
    """
    now = _now()
    where = and_(
        _O.seller == seller,
        _O.destination == destination,
        _O.status == "pending",
        _O.attempts > 0,
        _O.next_attempt_at > now,
    )
    if keep is not None:
        where = and_(where, or_(_O.claimed_by.is_(None), _O.claimed_by != keep))
    if only is not None:
        where = and_(where, _O.claimed_by == only)
    result = conn.execute(
        update(outbox).where(where).values(next_attempt_at=now, claimed_by=None)
    )
    return int(result.rowcount or 0)
