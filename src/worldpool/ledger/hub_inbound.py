"""Queries of inbound appointments (``hub_appointments``) at the hub."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from worldpool.domain.inventory import Movement
from worldpool.ledger.effects import validate
from worldpool.ledger.hub_tables import hub_appointments
from worldpool.ledger.journal import PostResult, post_on

__all__ = [
    "appointment_on",
    "booked_cartons_on",
    "insert_appointment_on",
    "post_receipt_on",
    "set_receipt_on",
]


def booked_cartons_on(conn: Connection, node: str, dock: str, start: datetime) -> int:
    """Return the cartons booked (not cancelled) in one dock slot, every seller."""
    a = hub_appointments.c
    got = conn.execute(
        select(func.coalesce(func.sum(a.cartons), 0)).where(
            a.node == node,
            a.dock == dock,
            a.slot_start == start,
            a.status != "cancelled",
        )
    ).scalar()
    return int(got or 0)


def appointment_on(conn: Connection, seller: str, asn: str) -> dict[str, Any] | None:
    """Return the seller's appointment for ``asn`` (lines and receipt decoded)."""
    a = hub_appointments.c
    row = conn.execute(
        select(hub_appointments).where(a.seller == seller, a.asn == asn)
    ).one_or_none()
    if row is None:
        return None
    out = dict(row._mapping)
    out["lines"] = json.loads(out["lines"])
    out["receipt"] = json.loads(out["receipt"]) if out["receipt"] else None
    return out


def insert_appointment_on(conn: Connection, row: dict[str, Any]) -> None:
    """Insert an appointment (``lines`` as a mapping sku -> units)."""
    conn.execute(insert(hub_appointments), row | {"lines": json.dumps(row["lines"])})


def set_receipt_on(conn: Connection, seller: str, asn: str, receipt: Any) -> None:
    """Mark the appointment received with its receipt lines."""
    a = hub_appointments.c
    conn.execute(
        update(hub_appointments)
        .where(a.seller == seller, a.asn == asn)
        .values(status="received", receipt=json.dumps(receipt))
    )


def post_receipt_on(
    conn: Connection, seller: str, movement: Movement, nodes: Collection[str]
) -> PostResult:
    """Validate and post a receipt's ``receive`` movement in the open transaction.

    Raises:
        InputError: the movement is malformed.
        UnknownReference: the SKU is not registered.
    """
    validate(movement, nodes)
    return post_on(conn, movement, seller=seller)
