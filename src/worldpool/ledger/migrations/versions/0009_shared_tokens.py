"""Shared access tokens: one sealed access token per connection, for every worker

Revision ID: 0009_shared_tokens
Revises: 0008_lease_fencing
Create Date: 2026-12-06

``channel_connections.access_token`` holds the connection's current access
token and its expiry, sealed with the same key as its credentials. A worker
that takes a connection over (or is handed it) uses the token the previous
holder fetched instead of calling the provider's token endpoint first; it is
a cache: empty, expired or unreadable means fetch a new one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_shared_tokens"
down_revision = "0008_lease_fencing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``channel_connections.access_token``."""
    with op.batch_alter_table("channel_connections") as batch:
        batch.add_column(sa.Column("access_token", sa.Text()))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("channel_connections") as batch:
        batch.drop_column("access_token")
