"""Tables of the channel connectors and the sync worker (migration ``0005_connectors``).

* ``channel_connections``: one row per seller's shop/account on a channel, with
  its credentials ENCRYPTED (the ledger only stores the token it is given),
  its order cursor, the worker lease that makes one worker at a time own it,
  and its last error.
* ``channel_orders``: which connection each ingested order came from (tracking
  goes back there) and the provider's last version seen (out-of-order guard).
* ``webhook_events``: provider event ids already handled (duplicate guard).
* ``shipments``: carrier and tracking number of each order the seller shipped.
* ``stock_published``: the last stock level enqueued per (connection, SKU,
  market), so an unchanged level is not sent again.
* ``sync_state``: named counters, e.g. the journal id the stock feed has read.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import sqlite

from worldpool.ledger.tables import metadata

__all__ = [
    "channel_connections",
    "channel_orders",
    "shipments",
    "stock_published",
    "sync_state",
    "webhook_events",
]

_BigId = BigInteger().with_variant(sqlite.INTEGER(), "sqlite")


def _seller() -> Column[str]:
    return Column(
        "seller", String(64), nullable=False, server_default="default", index=True
    )


channel_connections = Table(
    "channel_connections",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    _seller(),
    Column("name", String(64), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("base_url", Text, nullable=False),
    Column("settings", Text, nullable=False),
    Column("secret", Text, nullable=False),
    Column("status", String(16), nullable=False, server_default="active"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("cursor", Text),
    Column("last_poll_at", DateTime(timezone=True)),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("last_error_at", DateTime(timezone=True)),
    Column("lease_owner", String(64)),
    Column("lease_until", DateTime(timezone=True)),
    # Goes up on every claim: lease_owner#lease_epoch names one lease (0008).
    Column("lease_epoch", BigInteger, nullable=False, server_default="0"),
    Column("orders_ingested", Integer, nullable=False, server_default="0"),
    # The current access token and its expiry, sealed; shared by workers (0009).
    Column("access_token", Text),
    UniqueConstraint("seller", "name", name="uq_channel_connections_seller_name"),
)

channel_orders = Table(
    "channel_orders",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    _seller(),
    Column("connection_id", BigInteger, nullable=False),
    Column("channel", String(32), nullable=False),
    Column("channel_order_id", String(128), nullable=False),
    Column("version", String(64), nullable=False, server_default=""),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint(
        "seller", "channel", "channel_order_id", name="uq_channel_orders_key"
    ),
)

webhook_events = Table(
    "webhook_events",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    _seller(),
    Column("connection_id", BigInteger, nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint(
        "seller", "connection_id", "event_id", name="uq_webhook_events_event"
    ),
)

shipments = Table(
    "order_shipments",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    _seller(),
    Column("channel", String(32), nullable=False),
    Column("channel_order_id", String(128), nullable=False),
    Column("carrier", String(64), nullable=False),
    Column("tracking_number", String(128), nullable=False),
    Column("shipped_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint(
        "seller", "channel", "channel_order_id", name="uq_order_shipments_key"
    ),
)

stock_published = Table(
    "stock_published",
    metadata,
    Column("seller", String(64), primary_key=True, server_default="default"),
    Column("destination", String(128), primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("market", String(8), primary_key=True),
    Column("level", Integer, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("seller", String(64), primary_key=True, server_default="default"),
    Column("name", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

Index("ix_channel_orders_connection", channel_orders.c.connection_id)
