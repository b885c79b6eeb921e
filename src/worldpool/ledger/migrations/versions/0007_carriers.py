"""Carrier accounts: credentials sealed, one outbox destination per account

Revision ID: 0007_carriers
Revises: 0007_order_indexes
Create Date: 2026-12-06

``carrier_accounts`` holds a seller's accounts with carrier APIs (through
karrio): the API root, settings and the Fernet-sealed credentials;
``carrier_labels`` the label PDF bought per shipment. On PostgreSQL both get
the seller policy ``0006_rls`` gives seller-owned tables.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_carriers"
down_revision = "0007_order_indexes"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TABLES = ("carrier_accounts", "carrier_labels")
_SETTING = "current_setting('worldpool.seller', true)"


def upgrade() -> None:
    """Create carrier_accounts and carrier_labels (seller policy on PostgreSQL)."""
    op.create_table(
        "carrier_accounts",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("seller", sa.String(64), nullable=False, server_default="default"),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("carrier", sa.String(32), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_error_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("seller", "name", name="uq_carrier_accounts_seller_name"),
    )
    op.create_index("ix_carrier_accounts_seller", "carrier_accounts", ["seller"])
    op.create_table(
        "carrier_labels",
        sa.Column("seller", sa.String(64), primary_key=True, server_default="default"),
        sa.Column("shipment_id", sa.String(40), primary_key=True),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("tracking_number", sa.String(64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    visible = f"(seller = {_SETTING} OR {_SETTING} = '*')"
    for table in _TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY seller_isolation ON {table} "
            f"USING {visible} WITH CHECK {visible}"
        )


def downgrade() -> None:
    """Drop carrier_accounts and carrier_labels."""
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.execute(f"DROP POLICY IF EXISTS seller_isolation ON {table}")
    op.drop_table("carrier_labels")
    op.drop_index("ix_carrier_accounts_seller", "carrier_accounts")
    op.drop_table("carrier_accounts")
