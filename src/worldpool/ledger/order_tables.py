"""Tables of the orders capability: routed orders and API keys.

They share :data:`worldpool.ledger.tables.metadata`, so Alembic and the schema
check see them; migration ``0002`` creates them. Reservations themselves are
journal movements whose ``reference`` is the order key.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from worldpool.ledger.tables import metadata, seller_column

__all__ = ["api_keys", "orders"]

_BigId = BigInteger().with_variant(Integer(), "sqlite")

orders = Table(
    "orders",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    seller_column(),
    Column("channel", String(32), nullable=False),
    Column("channel_order_id", String(128), nullable=False),
    Column("market", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("order_value", Numeric(14, 4), nullable=False),
    Column("backordered", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("decision", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("seller", "channel", "channel_order_id", name="uq_orders_channel"),
    Index("ix_orders_status", "seller", "status"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("scope", String(16), nullable=False),
    # The seller the key acts for, or "*" for the 3PL operator across sellers.
    seller_column(index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)
