"""Queries of the logistics capability's tables (migration ``0005_logistics``).

``shipments`` (one row per shipment: lane, booking, tracking state, lines as
JSON), ``cartons`` (one row per logistic unit with its SSCC), ``tracking_events``
(unique per seller and event id: a repeated event inserts nothing),
``purchase_orders``, ``logistics_counters`` (SSCC serials) and
``contracted_rates`` (a seller's own rate-card CSV). Every row carries its
seller and every query filters by it. Stock itself moves only through journal
movements. The tables are defined in :mod:`worldpool.ledger.logistics_schema`
and re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    String,
    any_,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from worldpool.ledger.logistics_schema import (
    cartons,
    contracted_rates,
    logistics_counters,
    purchase_orders,
    shipments,
    tracking_events,
)
from worldpool.ledger.tables import movements

__all__ = [
    "cartons",
    "cartons_on",
    "contracted_rates",
    "event_counts_on",
    "events_on",
    "get_po_on",
    "get_rates_on",
    "get_shipment_on",
    "insert_cartons_on",
    "insert_events_on",
    "insert_po_on",
    "insert_shipment_on",
    "list_pos_on",
    "list_shipments_on",
    "lock_shipments_on",
    "lock_tracking_on",
    "logistics_counters",
    "next_serials_on",
    "posted_keys_on",
    "purchase_orders",
    "put_rates_on",
    "shipments",
    "tracking_events",
    "update_po_on",
    "update_shipment_on",
    "update_tracking_on",
]


def _dialect(conn: Connection) -> Any:
    return postgresql if conn.dialect.name == "postgresql" else sqlite


def _plain(row: Any) -> dict[str, Any]:
    out = dict(row)
    if "payload" in out:
        out["payload"] = json.loads(out["payload"])
    return out


def insert_shipment_on(conn: Connection, row: dict[str, Any]) -> bool:
    """Insert a shipment unless its id exists; return True when new."""
    values = dict(row, payload=json.dumps(row["payload"], default=str))
    stmt = _dialect(conn).insert(shipments).values(**values)
    stmt = stmt.on_conflict_do_nothing(index_elements=["id"]).returning(shipments.c.id)
    return conn.execute(stmt).first() is not None


def get_shipment_on(
    conn: Connection, seller: str, shipment_id: str
) -> dict[str, Any] | None:
    """Return one shipment row (payload decoded), or None."""
    stmt = select(shipments).where(
        shipments.c.seller == seller, shipments.c.id == shipment_id
    )
    r = conn.execute(stmt).mappings().first()
    return None if r is None else _plain(r)


def lock_shipments_on(
    conn: Connection, seller: str, ids: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Lock and return shipments by id, in id order (no deadlock between callers)."""
    wanted = sorted(set(ids))
    stmt = (
        select(shipments)
        .where(shipments.c.seller == seller, shipments.c.id.in_(wanted))
        .order_by(shipments.c.id)
        .with_for_update()
    )
    return {r["id"]: _plain(r) for r in conn.execute(stmt).mappings()}


def list_shipments_on(
    conn: Connection, seller: str, *, open_only: bool = False, limit: int = 500
) -> list[dict[str, Any]]:
    """Return the seller's shipments, newest first (open ones: not received)."""
    stmt = select(shipments).where(shipments.c.seller == seller)
    if open_only:
        stmt = stmt.where(shipments.c.status.not_in(("received", "cancelled")))
    stmt = stmt.order_by(shipments.c.created_at.desc(), shipments.c.id).limit(limit)
    return [_plain(r) for r in conn.execute(stmt).mappings()]


def update_shipment_on(
    conn: Connection, seller: str, shipment_id: str, values: dict[str, Any]
) -> None:
    """Update one shipment's columns (``payload`` given as plain data)."""
    vals = dict(values)
    if "payload" in vals:
        vals["payload"] = json.dumps(vals["payload"], default=str)
    conn.execute(
        update(shipments)
        .where(shipments.c.seller == seller, shipments.c.id == shipment_id)
        .values(**vals)
    )


_TRACKING = (
    "status",
    "legs_done",
    "started_at",
    "customs_since",
    "eta",
    "eta_p90",
    "last_event_at",
)
_PG_TYPES = ("text", "int", *(["timestamptz"] * 5))
# PostgreSQL: one statement for the whole batch, its text constant (arrays in).
_PG_UPDATE = text(
    "UPDATE shipments AS s SET "
    + ", ".join(f"{c} = u.{c}" for c in _TRACKING)
    + " FROM unnest(CAST(:ids AS text[]), "
    + ", ".join(
        f"CAST(:{c} AS {t}[])" for c, t in zip(_TRACKING, _PG_TYPES, strict=True)
    )
    + ") AS u(id, "
    + ", ".join(_TRACKING)
    + ") WHERE s.seller = :seller AND s.id = u.id"
)


def update_tracking_on(
    conn: Connection, seller: str, rows: Sequence[dict[str, Any]]
) -> None:
    """Update many shipments' tracking columns at once.

    Args:
        conn: Open transaction.
        seller: Owning seller.
        rows: ``id`` plus every tracking column (status, legs_done, started_at,
            customs_since, eta, eta_p90, last_event_at).
    """
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        params: dict[str, Any] = {"seller": seller, "ids": [r["id"] for r in rows]}
        params |= {c: [r[c] for r in rows] for c in _TRACKING}
        conn.execute(_PG_UPDATE, params)
        return
    stmt = (
        update(shipments)
        .where(shipments.c.seller == bindparam("k_seller"))
        .where(shipments.c.id == bindparam("k_id"))
        .values({c: bindparam(f"v_{c}") for c in _TRACKING})
    )
    many = [
        {"k_seller": seller, "k_id": r["id"], **{f"v_{c}": r[c] for c in _TRACKING}}
        for r in rows
    ]
    conn.execute(stmt, many)


def lock_tracking_on(
    conn: Connection, seller: str, ids: Iterable[str], *, lock: bool = True
) -> dict[str, dict[str, Any]]:
    """Return what tracking needs of each shipment (no payload), locked in id order.

    Args:
        conn: Open transaction.
        seller: Owning seller.
        ids: Shipment ids (unknown ones are absent from the answer).
        lock: Take the row locks (``FOR UPDATE``); False only reads.
    """
    c = shipments.c
    wanted = sorted(set(ids))
    stmt = (
        select(c.id, c.status, c.mode, c.lane_p50, c.lane_p90, c.created_at)
        .where(c.seller == seller, _member(conn, c.id, wanted))
        .order_by(c.id)
    )
    if lock:
        stmt = stmt.with_for_update()
    return {r["id"]: dict(r) for r in conn.execute(stmt).mappings()}


def event_counts_on(
    conn: Connection, seller: str, shipment_ids: Iterable[str]
) -> dict[str, int]:
    """Return how many events each shipment has stored (absent: none)."""
    t = tracking_events.c
    stmt = (
        select(t.shipment_id, func.count())
        .where(
            t.seller == seller, _member(conn, t.shipment_id, sorted(set(shipment_ids)))
        )
        .group_by(t.shipment_id)
    )
    return {r[0]: int(r[1]) for r in conn.execute(stmt)}


def _member(conn: Connection, col: Any, values: list[str]) -> Any:
    # PostgreSQL: one array parameter (`= ANY`), so the SQL text is the same for
    # every batch and the driver parses it once; elsewhere an IN list.
    if conn.dialect.name == "postgresql":
        return col == any_(bindparam("ids", values, type_=postgresql.ARRAY(String)))
    return col.in_(values)


def posted_keys_on(conn: Connection, keys: Iterable[str]) -> set[str]:
    """Return which of the movement idempotency keys are in the journal."""
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    stmt = select(movements.c.idempotency_key).where(
        movements.c.idempotency_key.in_(wanted)
    )
    return {r[0] for r in conn.execute(stmt)}


def insert_cartons_on(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert carton rows (``contents`` as plain data)."""
    if rows:
        conn.execute(
            insert(cartons),
            [dict(r, contents=json.dumps(r["contents"])) for r in rows],
        )


def cartons_on(conn: Connection, seller: str, shipment_id: str) -> list[dict[str, Any]]:
    """Return a shipment's cartons in sequence order (``contents`` decoded)."""
    stmt = (
        select(cartons)
        .where(cartons.c.seller == seller, cartons.c.shipment_id == shipment_id)
        .order_by(cartons.c.seq)
    )
    out = []
    for r in conn.execute(stmt).mappings():
        row = dict(r)
        row["contents"] = json.loads(row["contents"])
        out.append(row)
    return out


def next_serials_on(conn: Connection, seller: str, name: str, n: int) -> int:
    """Reserve ``n`` consecutive serials of counter ``name``; return the first."""
    d = _dialect(conn)
    ins = d.insert(logistics_counters).values(seller=seller, name=name, value=n)
    stmt = ins.on_conflict_do_update(
        index_elements=["seller", "name"],
        set_={"value": logistics_counters.c.value + n},
    ).returning(logistics_counters.c.value)
    last = int(conn.execute(stmt).scalar_one())
    return last - n + 1


def insert_events_on(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[str]:
    """Insert tracking events, skipping ids already stored; return the new ids.

    One cached statement run as an executemany (SQLAlchemy batches it into
    multi-row INSERTs with RETURNING), so a batch compiles nothing new.
    """
    if not rows:
        return []
    if conn.dialect.name == "postgresql":
        arrays = {c: [r[c] for r in rows] for c in _EVENT_COLUMNS}
        return [r[0] for r in conn.execute(_PG_INSERT_EVENTS, arrays)]
    result = conn.execute(_insert_events(conn.dialect.name), list(rows))
    return [r[0] for r in result]


_EVENT_COLUMNS = (
    "seller",
    "event_id",
    "shipment_id",
    "biz_step",
    "disposition",
    "event_time",
    "read_point",
    "epcs",
    "recorded_at",
)
_EVENT_TYPES = ("text",) * 5 + ("timestamptz", "text", "text", "timestamptz")
_PG_INSERT_EVENTS = text(
    "INSERT INTO tracking_events ("
    + ", ".join(_EVENT_COLUMNS)
    + ") SELECT * FROM unnest("
    + ", ".join(
        f"CAST(:{c} AS {t}[])"
        for c, t in zip(_EVENT_COLUMNS, _EVENT_TYPES, strict=True)
    )
    + ") ON CONFLICT (seller, event_id) DO NOTHING RETURNING event_id"
)


@cache
def _insert_events(dialect_name: str) -> Any:
    d: Any = postgresql if dialect_name == "postgresql" else sqlite
    return (
        d.insert(tracking_events)
        .on_conflict_do_nothing(index_elements=["seller", "event_id"])
        .returning(tracking_events.c.event_id)
    )


def events_on(
    conn: Connection, seller: str, shipment_ids: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """Return every stored event of the shipments, grouped by shipment id."""
    ids = sorted(set(shipment_ids))
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    stmt = select(tracking_events).where(
        tracking_events.c.seller == seller,
        _member(conn, tracking_events.c.shipment_id, ids),
    )
    for r in conn.execute(stmt).mappings():
        out[r["shipment_id"]].append(dict(r))
    return out


def insert_po_on(conn: Connection, row: dict[str, Any]) -> bool:
    """Insert a purchase order unless its id exists; return True when new."""
    values = dict(row, payload=json.dumps(row["payload"], default=str))
    stmt = _dialect(conn).insert(purchase_orders).values(**values)
    stmt = stmt.on_conflict_do_nothing(index_elements=["id"]).returning(
        purchase_orders.c.id
    )
    return conn.execute(stmt).first() is not None


def get_po_on(
    conn: Connection, seller: str, po_id: str, *, lock: bool = False
) -> dict[str, Any] | None:
    """Return one purchase order (payload decoded), optionally locked, or None."""
    stmt = select(purchase_orders).where(
        purchase_orders.c.seller == seller, purchase_orders.c.id == po_id
    )
    if lock:
        stmt = stmt.with_for_update()
    r = conn.execute(stmt).mappings().first()
    return None if r is None else _plain(r)


def list_pos_on(conn: Connection, seller: str) -> list[dict[str, Any]]:
    """Return the seller's purchase orders, newest first."""
    stmt = (
        select(purchase_orders)
        .where(purchase_orders.c.seller == seller)
        .order_by(purchase_orders.c.created_at.desc(), purchase_orders.c.id)
    )
    return [_plain(r) for r in conn.execute(stmt).mappings()]


def update_po_on(
    conn: Connection, seller: str, po_id: str, values: dict[str, Any]
) -> None:
    """Update one purchase order's columns (``payload`` as plain data)."""
    vals = dict(values)
    if "payload" in vals:
        vals["payload"] = json.dumps(vals["payload"], default=str)
    conn.execute(
        update(purchase_orders)
        .where(purchase_orders.c.seller == seller, purchase_orders.c.id == po_id)
        .values(**vals)
    )


def put_rates_on(conn: Connection, seller: str, text: str, at: Any) -> None:
    """Store (replace) the seller's contracted rate-card CSV."""
    d = _dialect(conn)
    ins = d.insert(contracted_rates).values(seller=seller, csv=text, loaded_at=at)
    conn.execute(
        ins.on_conflict_do_update(
            index_elements=["seller"], set_={"csv": text, "loaded_at": at}
        )
    )


def get_rates_on(conn: Connection, seller: str) -> str | None:
    """Return the seller's contracted rate-card CSV, or None."""
    stmt = select(contracted_rates.c.csv).where(contracted_rates.c.seller == seller)
    value = conn.execute(stmt).scalar_one_or_none()
    return None if value is None else str(value)
