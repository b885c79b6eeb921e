"""Lease fencing: an epoch per connection lease, the claimer on each outbox row

Revision ID: 0008_lease_fencing
Revises: 0007_carriers
Create Date: 2026-12-06

``channel_connections.lease_epoch`` goes up by one on every claim of a
connection, so ``lease_owner#lease_epoch`` names one lease and never comes
back. ``outbox.claimed_by`` records the lease (that token) under which a row
was claimed: only that lease may settle or retry the row, and a holder taking
a connection over frees exactly the rows claimed under earlier leases.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_lease_fencing"
down_revision = "0007_carriers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``channel_connections.lease_epoch`` and ``outbox.claimed_by``."""
    with op.batch_alter_table("channel_connections") as batch:
        batch.add_column(
            sa.Column(
                "lease_epoch", sa.BigInteger(), nullable=False, server_default="0"
            )
        )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(96)))


def downgrade() -> None:
    """Drop the two columns."""
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claimed_by")
    with op.batch_alter_table("channel_connections") as batch:
        batch.drop_column("lease_epoch")
