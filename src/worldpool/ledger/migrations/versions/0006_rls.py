"""Row-level security on every later seller-owned table; no index on available units

Revision ID: 0006_rls
Revises: 0006_cockpit_perf
Create Date: 2026-12-06

1. ``audit_log`` and ``outbox`` (from ``0004_audit``) and every table added
   after ``0004_sellers`` carry ``seller`` but had no row-level security. On
   PostgreSQL each of them gets the policy ``0004_sellers`` gave the ledger
   tables: a row is visible and writable only when its seller equals the
   transaction's ``worldpool.seller`` setting, or the setting is ``*`` (the 3PL
   operator); ``FORCE`` makes it bind the table owner too. Superusers and
   ``BYPASSRLS`` roles are not bound (the app's own connection today), so
   nothing changes for them. ``users`` stays without a policy, as
   ``api_keys`` does: both are read to find out who is acting before any
   seller is known (a login by user name, a key by its digest), are filtered
   by seller in code and hold only password hashes or key digests. Work that
   reads across sellers (outbox totals of every seller, a poller claiming any
   seller's channel connection) must act as ``*`` once the app connects as a
   plain role. On SQLite this part is a no-op.

2. ``ix_balances_available`` (an expression index on ``on_hand - reserved``,
   added by ``0005_cockpit`` for one sort order of the cockpit's stock table)
   is dropped: every reserve, release and receipt changes that expression, so
   every posted movement rewrote the index too -- on SQLite 7.5 instead of 5.2
   WAL pages per reserve (+45 %), on PostgreSQL it rules out HOT updates of
   the balance rows. It was the main part of the 8-16 % the ledger lost in
   issue #11 (see BENCHMARKS.md, "Issue #11 ledger performance recovered"); the
   cockpit sorts by available units without it (a top-N sort of the seller's
   balances, about +25 ms CPU per page at 210,000 balances on SQLite).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_rls"
down_revision = "0006_cockpit_perf"
branch_labels = None
depends_on = None

RLS_TABLES = (
    "audit_log",
    "outbox",
    "profit_launches",
    "shipments",
    "cartons",
    "tracking_events",
    "purchase_orders",
    "logistics_counters",
    "contracted_rates",
    "assistant_proposals",
    "channel_buffers",
    "channel_connections",
    "channel_orders",
    "webhook_events",
    "order_shipments",
    "stock_published",
    "sync_state",
    "imports",
    "import_asns",
    "hs_corrections",
)
"""Seller-owned tables that get the seller policy here (the ledger tables have
it since 0004_sellers; api_keys and users are read before a seller is known)."""

_SETTING = "current_setting('worldpool.seller', true)"


def upgrade() -> None:
    """Drop the available-units index; add the seller policy on PostgreSQL."""
    op.drop_index("ix_balances_available", "balances")
    if op.get_bind().dialect.name != "postgresql":
        return
    visible = f"(seller = {_SETTING} OR {_SETTING} = '*')"
    for table in RLS_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY seller_isolation ON {table} "
            f"USING {visible} WITH CHECK {visible}"
        )


def downgrade() -> None:
    """Remove the policies added here and bring the available-units index back."""
    if op.get_bind().dialect.name == "postgresql":
        for table in RLS_TABLES:
            op.execute(f"DROP POLICY IF EXISTS seller_isolation ON {table}")
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.create_index(
        "ix_balances_available", "balances", [sa.text("(on_hand - reserved)")]
    )
