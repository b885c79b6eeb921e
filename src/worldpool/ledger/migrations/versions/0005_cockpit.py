"""Cockpit users (login, roles, language); orders by time, balances by available

Revision ID: 0005_cockpit
Revises: 0005_connectors
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_cockpit"
down_revision = "0005_connectors"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the users table."""
    op.create_table(
        "users",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("seller", sa.String(64), nullable=False, server_default="default"),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False, server_default="en"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_index("ix_users_seller", "users", ["seller"])
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_orders_channel_status", "orders", ["channel", "status"])
    op.create_index(
        "ix_balances_available", "balances", [sa.text("(on_hand - reserved)")]
    )


def downgrade() -> None:
    """Drop the users table."""
    op.drop_index("ix_balances_available", "balances")
    op.drop_index("ix_orders_channel_status", "orders")
    op.drop_index("ix_orders_created_at", "orders")
    op.drop_index("ix_users_seller", "users")
    op.drop_table("users")
