"""Launches applied by the profit capability (worldpool expand --apply)

Revision ID: 0004_profit
Revises: 0004_sellers
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_profit"
down_revision = "0004_sellers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the profit_launches table."""
    op.create_table(
        "profit_launches",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("seller", sa.String(64), nullable=False, server_default="default"),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("market", sa.String(8), nullable=False),
        sa.Column("strategy", sa.String(32), nullable=False),
        sa.Column("lane", sa.String(64), nullable=False),
        sa.Column("seed_units", sa.Integer(), nullable=False),
        sa.Column("price", sa.Numeric(14, 4), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(100)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_profit_launches"),
        sa.UniqueConstraint("key", name="uq_profit_launches_key"),
    )
    op.create_index("ix_profit_launches_seller", "profit_launches", ["seller"])


def downgrade() -> None:
    """Drop the profit_launches table."""
    op.drop_index("ix_profit_launches_seller", table_name="profit_launches")
    op.drop_table("profit_launches")
