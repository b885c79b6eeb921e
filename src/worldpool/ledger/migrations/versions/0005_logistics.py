"""Logistics: shipments, cartons (SSCC), tracking events, purchase orders

Revision ID: 0005_logistics
Revises: 0004_profit
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_logistics"
down_revision = "0004_profit"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)


def _seller() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("seller", sa.String(64), nullable=False, server_default="default")


def upgrade() -> None:
    """Create the logistics tables."""
    op.create_table(
        "shipments",
        sa.Column("id", sa.String(40), primary_key=True),
        _seller(),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_ref", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(32), nullable=False),
        sa.Column("destination", sa.String(32), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("carrier", sa.String(64), nullable=False),
        sa.Column("lane_p50", sa.Float(), nullable=False),
        sa.Column("lane_p90", sa.Float(), nullable=False),
        sa.Column("booking", sa.String(16), nullable=False),
        sa.Column("tracking_number", sa.String(64)),
        sa.Column("order_ref", sa.String(128)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("legs_done", sa.Integer(), nullable=False, server_default="-1"),
        sa.Column("started_at", _TS),
        sa.Column("customs_since", _TS),
        sa.Column("eta", _TS),
        sa.Column("eta_p90", _TS),
        sa.Column("last_event_at", _TS),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("received_at", _TS),
        sa.Column("payload", sa.Text(), nullable=False),
    )
    op.create_index("ix_shipments_seller", "shipments", ["seller"])
    op.create_table(
        "cartons",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        _seller(),
        sa.Column("shipment_id", sa.String(40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sscc", sa.String(18), nullable=False),
        sa.Column("carton", sa.String(8), nullable=False),
        sa.Column("weight_kg", sa.Numeric(12, 3), nullable=False),
        sa.Column("volume_m3", sa.Numeric(12, 6), nullable=False),
        sa.Column("contents", sa.Text(), nullable=False),
        sa.UniqueConstraint("sscc", name="uq_cartons_sscc"),
    )
    op.create_index("ix_cartons_seller", "cartons", ["seller"])
    op.create_index("ix_cartons_shipment_id", "cartons", ["shipment_id"])
    op.create_table(
        "tracking_events",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        _seller(),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("shipment_id", sa.String(40), nullable=False),
        sa.Column("biz_step", sa.String(16), nullable=False),
        sa.Column("disposition", sa.String(32), nullable=False),
        sa.Column("event_time", _TS, nullable=False),
        sa.Column("read_point", sa.String(128), nullable=False),
        sa.Column("epcs", sa.Text(), nullable=False),
        sa.Column("recorded_at", _TS, nullable=False),
        sa.UniqueConstraint(
            "seller", "event_id", name="uq_tracking_events_seller_event"
        ),
    )
    op.create_index(
        "ix_tracking_events_shipment", "tracking_events", ["seller", "shipment_id"]
    )
    op.create_table(
        "purchase_orders",
        sa.Column("id", sa.String(40), primary_key=True),
        _seller(),
        sa.Column("supplier", sa.String(128), nullable=False),
        sa.Column("hub", sa.String(32), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("plan_ref", sa.String(64)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
    )
    op.create_index("ix_purchase_orders_seller", "purchase_orders", ["seller"])
    op.create_table(
        "logistics_counters",
        sa.Column("seller", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "contracted_rates",
        sa.Column("seller", sa.String(64), primary_key=True),
        sa.Column("csv", sa.Text(), nullable=False),
        sa.Column("loaded_at", _TS, nullable=False),
    )


def downgrade() -> None:
    """Drop the logistics tables."""
    for table in (
        "contracted_rates",
        "logistics_counters",
        "purchase_orders",
        "tracking_events",
        "cartons",
        "shipments",
    ):
        op.drop_table(table)
