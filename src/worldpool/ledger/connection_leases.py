"""Worker leases on channel connections: claim, renew, release, fence, liveness.

A connection is worked by one worker at a time: a lease (``lease_owner``,
``lease_until``, ``lease_epoch``) taken ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL. See :mod:`worldpool.connectors.leases` (the fence) and
:mod:`worldpool.connectors.liveness` (a killed worker known at once).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, text, update

from worldpool.ledger.connections import _C, ConnectionRow, _decode, _now
from worldpool.ledger.connector_tables import channel_connections

__all__ = [
    "LIVENESS_KEY_SQL",
    "claim_connection_on",
    "holds_lease_on",
    "release_connection_on",
    "renew_connection_on",
    "renew_leases_on",
    "unheld_count_on",
]

LIVENESS_KEY_SQL = "(hashtextextended({name}, 0) & 4611686018427387903)"
"""A worker name's liveness lock key, in SQL (non-negative, so that pg_locks'
``classid << 32 | objid`` reads it back unchanged); taken by
:mod:`worldpool.connectors.liveness`, read by :func:`_holder_dead`."""


def claim_connection_on(
    conn: Connection,
    worker: str,
    lease_s: float,
    *,
    exclude: tuple[int, ...] = (),
    orphans_only: bool = False,
    given_back_s: float | None = None,
    dead_holders: bool = False,
) -> ConnectionRow | None:
    """Lease one active connection no live worker holds; None when all are taken.

    On PostgreSQL the candidate row is locked ``FOR UPDATE SKIP LOCKED``, so two
    workers claiming at once never get the same connection; a lease that
    expired (its worker died) is free again, and the row comes back with
    ``taken_over`` True (False when the lease had been given back).
    ``orphans_only`` claims only such expired leases, and with
    ``given_back_s`` also a connection given back at least that many seconds
    ago (or never held) that nobody took since: a busy worker's spare slot
    waits that long so that an idle slot elsewhere takes it first. Every
    claim moves ``lease_epoch`` on: ``lease_owner#lease_epoch`` is the new
    lease's fencing token (:func:`worldpool.ledger.outbox_claims.lease_token`).
    ``dead_holders`` (PostgreSQL): a lease whose holder, a worker, no longer
    holds its liveness lock counts as run out (see
    :mod:`worldpool.connectors.liveness`).
    """
    now = _now()
    pg = conn.dialect.name == "postgresql"
    free = _free(now, orphans_only, given_back_s, dead_holders=dead_holders and pg)
    stmt = (
        select(_C.id, _C.lease_owner)
        .where(
            and_(
                _C.status == "active",
                free,
                _C.id.not_in(exclude) if exclude else _C.id.is_not(None),
            )
        )
        .order_by(func.coalesce(_C.last_poll_at, _C.created_at), _C.id)
        .limit(1)
    )
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    found = conn.execute(stmt).first()
    if found is None:
        return None
    picked, before = found
    conn.execute(
        update(channel_connections)
        .where(_C.id == picked)
        .values(
            lease_owner=worker,
            lease_until=now + timedelta(seconds=lease_s),
            lease_epoch=_C.lease_epoch + 1,
        )
    )
    row = conn.execute(select(channel_connections).where(_C.id == picked)).one()
    # A lease that ran out without being given back: its worker died (or
    # stalled past it); the new holder frees the rows it had claimed.
    return {**_decode(row), "taken_over": before is not None}


def _free(
    now: Any, orphans_only: bool, given_back_s: float | None, *, dead_holders: bool
) -> Any:
    """The condition a claimable connection meets (see :func:`claim_connection_on`)."""
    expired = _C.lease_until < now
    if dead_holders:
        expired = or_(expired, _holder_dead())
    if not orphans_only:
        return or_(_C.lease_owner.is_(None), _C.lease_until.is_(None), expired)
    free = and_(_C.lease_owner.is_not(None), expired)
    if given_back_s is not None:
        waited = now - timedelta(seconds=given_back_s)
        unheld = or_(_C.lease_until.is_(None), _C.lease_until <= waited)
        free = or_(free, and_(_C.lease_owner.is_(None), unheld))
    return free


def holds_lease_on(
    conn: Connection, connection_id: int, worker: str, epoch: int
) -> bool:
    """True while ``worker``'s lease ``epoch`` is the connection's current one.

    The row is locked ``FOR SHARE`` (PostgreSQL) until the caller's
    transaction ends, so nobody takes the connection over in between.
    """
    stmt = select(_C.id).where(
        and_(_C.id == connection_id, _C.lease_owner == worker, _C.lease_epoch == epoch)
    )
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update(read=True)
    return conn.execute(stmt).first() is not None


def _holder_dead() -> Any:
    """SQL: the lease owner is a worker whose liveness lock is gone."""
    key = LIVENESS_KEY_SQL.format(name="channel_connections.lease_owner")
    return text(
        "channel_connections.lease_owner LIKE '%:%:%' AND NOT EXISTS ("
        "SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted"
        " AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database"
        " WHERE datname = current_database())"
        f" AND ((l.classid::bigint << 32) | l.objid::bigint) = {key})"
    )


def release_connection_on(
    conn: Connection, connection_id: int, worker: str, epoch: int | None = None
) -> None:
    """Give a lease back (only the worker that holds it, at ``epoch`` when given).

    ``lease_until`` keeps when it was given back (see ``given_back_s`` of
    :func:`claim_connection_on`); with no owner the connection is free.
    """
    where = and_(_C.id == connection_id, _C.lease_owner == worker)
    if epoch is not None:
        where = and_(where, _C.lease_epoch == epoch)
    conn.execute(
        update(channel_connections)
        .where(where)
        .values(lease_owner=None, lease_until=_now())
    )


def renew_connection_on(
    conn: Connection,
    connection_id: int,
    worker: str,
    lease_s: float,
    epoch: int | None = None,
) -> ConnectionRow | None:
    """Extend ``worker``'s lease and return the fresh row; None if it lost it.

    With ``epoch``, only that lease is extended: the same worker holding the
    connection again under a later claim is another lease.
    """
    where = and_(
        _C.id == connection_id, _C.lease_owner == worker, _C.status == "active"
    )
    if epoch is not None:
        where = and_(where, _C.lease_epoch == epoch)
    result = conn.execute(
        update(channel_connections)
        .where(where)
        .values(lease_until=_now() + timedelta(seconds=lease_s))
    )
    if result.rowcount == 0:
        return None
    row = conn.execute(select(channel_connections).where(_C.id == connection_id)).one()
    return _decode(row)


def renew_leases_on(
    conn: Connection, worker: str, held: dict[int, int], lease_s: float
) -> set[int]:
    """Extend many of ``worker``'s leases (connection id -> epoch) in one statement.

    Returns the ids still held; a lease missing from the answer was lost (taken
    over after it expired, or the connection was disconnected).
    """
    if not held:
        return set()
    mine = or_(*(and_(_C.id == i, _C.lease_epoch == e) for i, e in held.items()))
    stmt = (
        update(channel_connections)
        .where(and_(_C.lease_owner == worker, _C.status == "active", mine))
        .values(lease_until=_now() + timedelta(seconds=lease_s))
        .returning(_C.id)
    )
    return {int(i) for i in conn.execute(stmt).scalars()}


def unheld_count_on(conn: Connection) -> int:
    """Count the active connections no live lease holds (waiting for a slot)."""
    now = _now()
    stmt = select(func.count()).where(
        and_(
            _C.status == "active",
            or_(
                _C.lease_owner.is_(None), _C.lease_until.is_(None), _C.lease_until < now
            ),
        )
    )
    return int(conn.execute(stmt).scalar() or 0)
