"""Channel connections: rows, order provenance, webhook events.

Worker leases on the rows are :mod:`worldpool.ledger.connection_leases`.

Every function takes an open connection and the seller it acts for (the worker,
which serves every seller, passes the seller of the connection it leased).
Credentials arrive here already encrypted; this module never sees them in clear.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from worldpool.ledger.connector_tables import (
    channel_connections,
    channel_orders,
    shipments,
    webhook_events,
)

__all__ = [
    "ConnectionRow",
    "active_sellers_on",
    "event_seen_on",
    "get_connection_on",
    "insert_connection_on",
    "list_connections_on",
    "note_poll_on",
    "order_connection_on",
    "record_channel_orders_on",
    "secret_on",
    "seen_event_on",
    "set_secret_on",
    "set_status_on",
    "shipment_on",
    "upsert_shipment_on",
]

ConnectionRow = dict[str, Any]
"""A ``channel_connections`` row as a dict (``settings`` decoded)."""

_C = channel_connections.c


def _now() -> datetime:
    return datetime.now(UTC)


def _insert_ignore(conn: Connection, table: Any, values: dict[str, Any]) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).values(**values).on_conflict_do_nothing()


def _decode(row: Any) -> ConnectionRow:
    data = dict(row._mapping)
    data["settings"] = json.loads(data["settings"])
    return data


def insert_connection_on(conn: Connection, values: dict[str, Any]) -> int:
    """Insert a connection (``settings`` as a dict, ``secret`` encrypted); return id."""
    row = dict(values)
    row["settings"] = json.dumps(row.get("settings") or {}, sort_keys=True)
    row.setdefault("created_at", _now())
    result = conn.execute(insert(channel_connections).values(**row))
    key = result.inserted_primary_key
    return int(key[0]) if key else 0


def get_connection_on(
    conn: Connection, seller: str | None, name: str
) -> ConnectionRow | None:
    """Return the connection ``name`` of ``seller`` (None: any seller), or None."""
    stmt = select(channel_connections).where(_C.name == name)
    if seller is not None:
        stmt = stmt.where(_C.seller == seller)
    row = conn.execute(stmt.limit(1)).first()
    return None if row is None else _decode(row)


def list_connections_on(
    conn: Connection, seller: str | None, *, active_only: bool = False
) -> list[ConnectionRow]:
    """Return the connections of ``seller`` (None: every seller), by id."""
    stmt = select(channel_connections).order_by(_C.id)
    if seller is not None:
        stmt = stmt.where(_C.seller == seller)
    if active_only:
        stmt = stmt.where(_C.status == "active")
    return [_decode(r) for r in conn.execute(stmt)]


def set_status_on(conn: Connection, seller: str, name: str, status: str) -> bool:
    """Set a connection's status (``active``/``disconnected``); False if unknown."""
    result = conn.execute(
        update(channel_connections)
        .where(and_(_C.seller == seller, _C.name == name))
        .values(status=status, lease_owner=None, lease_until=None, access_token=None)
    )
    return result.rowcount > 0


def secret_on(conn: Connection, seller: str, connection_id: int) -> str | None:
    """Return a connection's sealed credentials (None if unknown)."""
    return conn.execute(
        select(_C.secret).where(and_(_C.seller == seller, _C.id == connection_id))
    ).scalar()


def set_secret_on(
    conn: Connection, seller: str, connection_id: int, secret: str
) -> bool:
    """Replace a connection's sealed credentials (a rotated token); False if unknown."""
    result = conn.execute(
        update(channel_connections)
        .where(and_(_C.seller == seller, _C.id == connection_id))
        .values(secret=secret)
    )
    return result.rowcount > 0


def access_token_on(conn: Connection, seller: str, connection_id: int) -> str | None:
    """Return a connection's sealed shared access token (None: none stored)."""
    return conn.execute(
        select(_C.access_token).where(and_(_C.seller == seller, _C.id == connection_id))
    ).scalar()


def set_access_token_on(
    conn: Connection, seller: str, connection_id: int, sealed: str
) -> bool:
    """Store a connection's sealed shared access token; False if unknown."""
    result = conn.execute(
        update(channel_connections)
        .where(and_(_C.seller == seller, _C.id == connection_id))
        .values(access_token=sealed)
    )
    return result.rowcount > 0


def note_poll_on(
    conn: Connection,
    connection_id: int,
    *,
    cursor: str | None,
    ingested: int,
    error: str | None,
) -> None:
    """Record a poll: the new cursor (when given), orders ingested, last error."""
    now = _now()
    values: dict[str, Any] = {
        "last_poll_at": now,
        "orders_ingested": _C.orders_ingested + ingested,
    }
    if cursor is not None:
        values["cursor"] = cursor
    if error is None:
        values["last_success_at"] = now
    else:
        values["last_error"] = error[:500]
        values["last_error_at"] = now
    conn.execute(
        update(channel_connections).where(_C.id == connection_id).values(**values)
    )


def record_channel_orders_on(
    conn: Connection,
    seller: str,
    connection_id: int,
    channel: str,
    versions: dict[str, str],
) -> set[str]:
    """Note which orders ``connection_id`` delivered, at which provider version.

    Returns the ids whose version is OLDER than one already seen: the caller
    drops those stale copies (an out-of-order webhook, an old page). Versions
    compare as strings (ISO-8601 UTC timestamps). Two statements per batch.
    """
    if not versions:
        return set()
    co = channel_orders.c
    key = and_(co.seller == seller, co.channel == channel)
    stored = dict(
        conn.execute(
            select(co.channel_order_id, co.version).where(
                and_(key, co.channel_order_id.in_(list(versions)))
            )
        ).all()
    )
    stale = {o for o, v in versions.items() if o in stored and v and v < stored[o]}
    new = [
        {
            "seller": seller,
            "connection_id": connection_id,
            "channel": channel,
            "channel_order_id": o,
            "version": v,
            "ingested_at": _now(),
        }
        for o, v in versions.items()
        if o not in stored
    ]
    if new:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        # executemany: one compiled statement whatever the number of rows
        conn.execute(dialect.insert(channel_orders).on_conflict_do_nothing(), new)
    for o, v in versions.items():
        if o in stored and v > stored[o]:
            conn.execute(
                update(channel_orders)
                .where(and_(key, co.channel_order_id == o))
                .values(version=v)
            )
    return stale


def order_connection_on(
    conn: Connection, seller: str, channel: str, channel_order_id: str
) -> int | None:
    """Return the id of the connection an order came from, or None."""
    return conn.execute(
        select(channel_orders.c.connection_id).where(
            and_(
                channel_orders.c.seller == seller,
                channel_orders.c.channel == channel,
                channel_orders.c.channel_order_id == channel_order_id,
            )
        )
    ).scalar()


def seen_event_on(
    conn: Connection, seller: str, connection_id: int, event_id: str
) -> bool:
    """Record a webhook event id; True when it had been seen before (a duplicate)."""
    stmt = _insert_ignore(
        conn,
        webhook_events,
        {
            "seller": seller,
            "connection_id": connection_id,
            "event_id": event_id,
            "received_at": _now(),
        },
    )
    return conn.execute(stmt.returning(webhook_events.c.id)).first() is None


def upsert_shipment_on(conn: Connection, seller: str, values: dict[str, Any]) -> bool:
    """Store carrier + tracking of an order once; False when it was already there."""
    stmt = _insert_ignore(conn, shipments, {"seller": seller, **values})
    return conn.execute(stmt.returning(shipments.c.id)).first() is not None


def shipment_on(
    conn: Connection, seller: str, channel: str, channel_order_id: str
) -> dict[str, Any] | None:
    """Return the stored shipment of an order, or None."""
    row = conn.execute(
        select(shipments).where(
            and_(
                shipments.c.seller == seller,
                shipments.c.channel == channel,
                shipments.c.channel_order_id == channel_order_id,
            )
        )
    ).first()
    return None if row is None else dict(row._mapping)


def event_seen_on(
    conn: Connection, seller: str, connection_id: int, event_id: str
) -> bool:
    """True when the webhook event ``event_id`` was handled before."""
    return (
        conn.execute(
            select(webhook_events.c.id).where(
                and_(
                    webhook_events.c.seller == seller,
                    webhook_events.c.connection_id == connection_id,
                    webhook_events.c.event_id == event_id,
                )
            )
        ).first()
        is not None
    )


def active_sellers_on(conn: Connection) -> list[str]:
    """Return the sellers that have at least one active connection."""
    stmt = select(_C.seller).where(_C.status == "active").distinct().order_by(_C.seller)
    return [str(s) for s in conn.execute(stmt).scalars()]
