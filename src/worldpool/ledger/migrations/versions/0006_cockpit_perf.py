"""Cockpit: orders indexed for the filtered list sorted by value and for today's orders

Revision ID: 0006_cockpit_perf
Revises: 0006_hs
Create Date: 2026-12-06
"""

from alembic import op

revision = "0006_cockpit_perf"
down_revision = "0006_hs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index orders by (seller, channel, status, order_value, id).

    An order list filtered by channel and status and sorted by value reads
    the page's rows in index order instead of sorting every match, and its
    capped count reads the index alone. Also index (seller, created_at): the
    Overview's "today's orders" otherwise walks every order of the seller
    (SQLite prefers any index that starts with the seller over the one on
    ``created_at`` alone).
    """
    op.create_index(
        "ix_orders_seller_channel_status_value",
        "orders",
        ["seller", "channel", "status", "order_value", "id"],
    )
    op.create_index("ix_orders_seller_created_at", "orders", ["seller", "created_at"])


def downgrade() -> None:
    """Drop the indexes."""
    op.drop_index("ix_orders_seller_created_at", "orders")
    op.drop_index("ix_orders_seller_channel_status_value", "orders")
