"""Assistant proposals and channel stock buffers

Revision ID: 0005_assistant
Revises: 0005_logistics
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_assistant"
down_revision = "0005_logistics"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the assistant_proposals and channel_buffers tables."""
    op.create_table(
        "assistant_proposals",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("seller", sa.String(64), nullable=False, server_default="default"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Numeric(16, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("signal", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decided_by", sa.String(128)),
        sa.Column("result", sa.Text(), nullable=False, server_default="{}"),
        sa.UniqueConstraint(
            "seller", "key", "day", name="uq_assistant_proposals_key_day"
        ),
    )
    op.create_index("ix_assistant_proposals_seller", "assistant_proposals", ["seller"])
    op.create_index(
        "ix_assistant_proposals_seller_day", "assistant_proposals", ["seller", "day"]
    )
    op.create_table(
        "channel_buffers",
        sa.Column("seller", sa.String(64), primary_key=True, server_default="default"),
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("sku", sa.String(64), primary_key=True),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop the assistant tables."""
    op.drop_table("channel_buffers")
    op.drop_index("ix_assistant_proposals_seller_day", "assistant_proposals")
    op.drop_index("ix_assistant_proposals_seller", "assistant_proposals")
    op.drop_table("assistant_proposals")
