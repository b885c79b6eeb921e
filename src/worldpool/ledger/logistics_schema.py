"""Table definitions of the logistics capability (migration ``0005_logistics``).

``shipments`` (one row per shipment: lane, booking, tracking state, lines as
JSON), ``cartons`` (one row per logistic unit with its SSCC), ``tracking_events``
(unique per seller and event id: a repeated event inserts nothing),
``purchase_orders``, ``logistics_counters`` (SSCC serials) and
``contracted_rates`` (a seller's own rate-card CSV). Every row carries its
seller. Their queries live in :mod:`worldpool.ledger.logistics_tables`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import sqlite

from worldpool.ledger.tables import metadata

__all__ = [
    "cartons",
    "contracted_rates",
    "logistics_counters",
    "purchase_orders",
    "shipments",
    "tracking_events",
]

_BigId = BigInteger().with_variant(sqlite.INTEGER(), "sqlite")


def _seller(*, index: bool = True) -> Column[str]:
    # Tables with a composite index led by seller need no second one.
    return Column(
        "seller", String(64), nullable=False, server_default="default", index=index
    )


shipments = Table(
    "shipments",
    metadata,
    Column("id", String(40), primary_key=True),
    _seller(),
    Column("source", String(16), nullable=False),
    Column("source_ref", String(64), nullable=False),
    Column("origin", String(32), nullable=False),
    Column("destination", String(32), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("service", String(64), nullable=False),
    Column("carrier", String(64), nullable=False),
    Column("lane_p50", Float, nullable=False),
    Column("lane_p90", Float, nullable=False),
    Column("booking", String(16), nullable=False),
    Column("tracking_number", String(64)),
    Column("order_ref", String(128)),
    Column("status", String(16), nullable=False),
    Column("legs_done", Integer, nullable=False, server_default="-1"),
    Column("started_at", DateTime(timezone=True)),
    Column("customs_since", DateTime(timezone=True)),
    Column("eta", DateTime(timezone=True)),
    Column("eta_p90", DateTime(timezone=True)),
    Column("last_event_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True)),
    Column("payload", Text, nullable=False),
    # No index on status: tracking updates it on every event batch, and an
    # unindexed column keeps those updates HOT (no index writes).
)

cartons = Table(
    "cartons",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    _seller(),
    Column("shipment_id", String(40), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("sscc", String(18), nullable=False, unique=True),
    Column("carton", String(8), nullable=False),
    Column("weight_kg", Numeric(12, 3), nullable=False),
    Column("volume_m3", Numeric(12, 6), nullable=False),
    Column("contents", Text, nullable=False),
)

tracking_events = Table(
    "tracking_events",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    _seller(index=False),
    Column("event_id", String(200), nullable=False),
    Column("shipment_id", String(40), nullable=False),
    Column("biz_step", String(16), nullable=False),
    Column("disposition", String(32), nullable=False),
    Column("event_time", DateTime(timezone=True), nullable=False),
    Column("read_point", String(128), nullable=False),
    Column("epcs", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("seller", "event_id", name="uq_tracking_events_seller_event"),
    Index("ix_tracking_events_shipment", "seller", "shipment_id"),
)

purchase_orders = Table(
    "purchase_orders",
    metadata,
    Column("id", String(40), primary_key=True),
    _seller(),
    Column("supplier", String(128), nullable=False),
    Column("hub", String(32), nullable=False),
    Column("status", String(24), nullable=False),
    Column("plan_ref", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("payload", Text, nullable=False),
)

logistics_counters = Table(
    "logistics_counters",
    metadata,
    Column("seller", String(64), primary_key=True),
    Column("name", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

contracted_rates = Table(
    "contracted_rates",
    metadata,
    Column("seller", String(64), primary_key=True),
    Column("csv", Text, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)
