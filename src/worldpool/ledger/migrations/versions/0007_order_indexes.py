"""Orders: drop the two indexes the seller-first ones superseded

Revision ID: 0007_order_indexes
Revises: 0006_rls
Create Date: 2026-12-06
"""

from alembic import op

revision = "0007_order_indexes"
down_revision = "0006_rls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop ``ix_orders_created_at`` and ``ix_orders_channel_status``.

    Every query on orders names its seller, so ``ix_orders_seller_created_at``
    and ``ix_orders_seller_channel_status_value`` (0006_cockpit_perf) serve
    them; the two older indexes were only written, on every order stored and
    every status change.
    """
    op.drop_index("ix_orders_channel_status", "orders")
    op.drop_index("ix_orders_created_at", "orders")


def downgrade() -> None:
    """Create the indexes again."""
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_orders_channel_status", "orders", ["channel", "status"])
