"""Carrier accounts (migration ``0007_carriers``) and the reads carrier work needs.

* ``carrier_accounts``: one row per seller's account with a carrier API (UPS,
  FedEx through karrio), its credentials ENCRYPTED (the ledger stores the
  Fernet token it is given, never the secrets), its API root, settings and
  last error. Its outbox destination is ``carrier:<name>``.
* ``carrier_labels``: the label PDF bought for a shipment (one per shipment).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from worldpool.ledger.logistics_schema import shipments
from worldpool.ledger.tables import metadata

__all__ = [
    "carrier_accounts",
    "carrier_labels",
    "carrier_sellers_on",
    "get_carrier_account_on",
    "insert_carrier_account_on",
    "label_on",
    "list_carrier_accounts_on",
    "note_carrier_error_on",
    "save_label_on",
    "tracked_shipments_on",
]

_BigId = BigInteger().with_variant(sqlite.INTEGER(), "sqlite")

carrier_accounts = Table(
    "carrier_accounts",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("seller", String(64), nullable=False, server_default="default", index=True),
    Column("name", String(64), nullable=False),
    Column("carrier", String(32), nullable=False),
    Column("base_url", Text, nullable=False),
    Column("settings", Text, nullable=False),
    Column("secret", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
    Column("last_error_at", DateTime(timezone=True)),
    UniqueConstraint("seller", "name", name="uq_carrier_accounts_seller_name"),
)

_C = carrier_accounts.c


def _decode(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    data["settings"] = json.loads(data["settings"])
    return data


def insert_carrier_account_on(conn: Connection, values: dict[str, Any]) -> None:
    """Store one account (``settings`` as plain data, ``secret`` already sealed).

    Raises:
        sqlalchemy.exc.IntegrityError: the seller has an account of that name.
    """
    row = dict(values)
    row["settings"] = json.dumps(row.get("settings") or {}, sort_keys=True)
    conn.execute(carrier_accounts.insert().values(**row))


def get_carrier_account_on(
    conn: Connection, seller: str, name: str
) -> dict[str, Any] | None:
    """Return one account of ``seller`` by name (with its sealed secret), or None."""
    row = conn.execute(
        select(carrier_accounts).where(and_(_C.seller == seller, _C.name == name))
    ).first()
    return None if row is None else _decode(row)


def list_carrier_accounts_on(conn: Connection, seller: str) -> list[dict[str, Any]]:
    """Return the seller's accounts, by name."""
    stmt = select(carrier_accounts).where(_C.seller == seller).order_by(_C.name)
    return [_decode(r) for r in conn.execute(stmt)]


def note_carrier_error_on(
    conn: Connection, seller: str, name: str, error: str | None, at: Any
) -> None:
    """Record the account's last error (None clears it)."""
    conn.execute(
        update(carrier_accounts)
        .where(and_(_C.seller == seller, _C.name == name))
        .values(last_error=error and error[:500], last_error_at=at)
    )


def tracked_shipments_on(conn: Connection, seller: str, carrier: str) -> dict[str, str]:
    """Return tracking number -> shipment id of ``carrier``'s open booked shipments."""
    s = shipments.c
    stmt = select(s.tracking_number, s.id).where(
        and_(
            s.seller == seller,
            s.carrier == carrier,
            s.tracking_number.is_not(None),
            s.status.not_in(("received", "cancelled")),
        )
    )
    return {str(r[0]): str(r[1]) for r in conn.execute(stmt)}


carrier_labels = Table(
    "carrier_labels",
    metadata,
    Column("seller", String(64), primary_key=True, server_default="default"),
    Column("shipment_id", String(40), primary_key=True),
    Column("account", String(64), nullable=False),
    Column("tracking_number", String(64), nullable=False),
    Column("pdf", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def save_label_on(conn: Connection, seller: str, values: dict[str, Any]) -> bool:
    """Store a bought label once per shipment; False when one was there."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(carrier_labels)
        .values(seller=seller, **values)
        .on_conflict_do_nothing(index_elements=["seller", "shipment_id"])
        .returning(carrier_labels.c.shipment_id)
    )
    return conn.execute(stmt).first() is not None


def label_on(conn: Connection, seller: str, shipment_id: str) -> dict[str, Any] | None:
    """Return the stored label of a shipment (tracking number, PDF bytes), or None."""
    row = conn.execute(
        select(carrier_labels).where(
            and_(
                carrier_labels.c.seller == seller,
                carrier_labels.c.shipment_id == shipment_id,
            )
        )
    ).first()
    return None if row is None else dict(row._mapping)


def carrier_sellers_on(conn: Connection) -> list[str]:
    """Return the sellers that have at least one carrier account."""
    stmt = select(_C.seller).distinct().order_by(_C.seller)
    return [str(s) for s in conn.execute(stmt).scalars()]
