"""No index on available units (on_hand - reserved): it slowed every posted movement

Revision ID: 0006_rls
Revises: 0005_cockpit
Create Date: 2026-12-06

``ix_balances_available`` (an expression index on ``on_hand - reserved``,
added by ``0005_cockpit`` for one sort order of the cockpit's stock table)
is dropped: every reserve, release and receipt changes that expression, so
every posted movement rewrote the index too -- on SQLite 7.5 instead of 5.2
WAL pages per reserve (+45 %), on PostgreSQL it rules out HOT updates of
the balance rows. It cost the ledger 10-15 % of its throughput (see
BENCHMARKS.md, "Issue #11 ledger performance recovered"); the cockpit sorts
by available units without it (a top-N sort of the seller's balances).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_rls"
down_revision = "0005_cockpit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop the available-units index."""
    op.drop_index("ix_balances_available", "balances")


def downgrade() -> None:
    """Bring the available-units index back."""
    op.create_index(
        "ix_balances_available", "balances", [sa.text("(on_hand - reserved)")]
    )
