"""HS code corrections recorded by sellers and brokers

Revision ID: 0006_hs
Revises: 0006_hub
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_hs"
down_revision = "0006_hub"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the hs_corrections table."""
    op.create_table(
        "hs_corrections",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("seller", sa.String(64), nullable=False, server_default="default"),
        sa.Column("text_key", sa.String(500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hs6", sa.String(6), nullable=False),
        sa.Column("previous", sa.String(6), nullable=False, server_default=""),
        sa.Column("recorded_by", sa.String(128), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("seller", "text_key", name="uq_hs_corrections_text"),
    )
    op.create_index("ix_hs_corrections_seller", "hs_corrections", ["seller"])


def downgrade() -> None:
    """Drop the hs_corrections table."""
    op.drop_index("ix_hs_corrections_seller", "hs_corrections")
    op.drop_table("hs_corrections")
