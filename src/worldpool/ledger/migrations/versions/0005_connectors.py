"""Channel connections, webhook events, shipments and the stock feed state

Revision ID: 0005_connectors
Revises: 0005_assistant
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_connectors"
down_revision = "0005_assistant"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)
_SELLER_TABLES = (
    "channel_connections",
    "channel_orders",
    "webhook_events",
    "order_shipments",
)


def _seller() -> sa.Column[str]:
    return sa.Column("seller", sa.String(64), nullable=False, server_default="default")


def upgrade() -> None:
    """Create the connector tables (all seller-scoped)."""
    op.create_table(
        "channel_connections",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        _seller(),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("cursor", sa.Text()),
        sa.Column("last_poll_at", _TS),
        sa.Column("last_success_at", _TS),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_error_at", _TS),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", _TS),
        sa.Column("orders_ingested", sa.Integer(), nullable=False, server_default="0"),
        sa.UniqueConstraint(
            "seller", "name", name="uq_channel_connections_seller_name"
        ),
    )
    op.create_table(
        "channel_orders",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        _seller(),
        sa.Column("connection_id", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("channel_order_id", sa.String(128), nullable=False),
        sa.Column("version", sa.String(64), nullable=False, server_default=""),
        sa.Column("ingested_at", _TS, nullable=False),
        sa.UniqueConstraint(
            "seller", "channel", "channel_order_id", name="uq_channel_orders_key"
        ),
    )
    op.create_index("ix_channel_orders_connection", "channel_orders", ["connection_id"])
    op.create_table(
        "webhook_events",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        _seller(),
        sa.Column("connection_id", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.UniqueConstraint(
            "seller", "connection_id", "event_id", name="uq_webhook_events_event"
        ),
    )
    op.create_table(
        "order_shipments",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        _seller(),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("channel_order_id", sa.String(128), nullable=False),
        sa.Column("carrier", sa.String(64), nullable=False),
        sa.Column("tracking_number", sa.String(128), nullable=False),
        sa.Column("shipped_at", _TS, nullable=False),
        sa.UniqueConstraint(
            "seller", "channel", "channel_order_id", name="uq_order_shipments_key"
        ),
    )
    op.create_table(
        "stock_published",
        sa.Column("seller", sa.String(64), server_default="default"),
        sa.Column("destination", sa.String(128)),
        sa.Column("sku", sa.String(64)),
        sa.Column("market", sa.String(8)),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint(
            "seller", "destination", "sku", "market", name="pk_stock_published"
        ),
    )
    op.create_table(
        "sync_state",
        sa.Column("seller", sa.String(64), server_default="default"),
        sa.Column("name", sa.String(64)),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("seller", "name", name="pk_sync_state"),
    )
    for table in _SELLER_TABLES:
        op.create_index(f"ix_{table}_seller", table, ["seller"])


def downgrade() -> None:
    """Drop the connector tables."""
    for table in _SELLER_TABLES:
        op.drop_index(f"ix_{table}_seller", table)
    op.drop_index("ix_channel_orders_connection", "channel_orders")
    for table in (
        "sync_state",
        "stock_published",
        "order_shipments",
        "webhook_events",
        "channel_orders",
        "channel_connections",
    ):
        op.drop_table(table)
