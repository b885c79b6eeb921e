"""3PL hub: bins, bin stock journal, cycle counts, charges, snapshots, statements

Revision ID: 0006_hub
Revises: 0006_imports
Create Date: 2026-12-06

The seller-owned tables get the same row-level security as ``0004_sellers``
on PostgreSQL; ``hub_bins`` belongs to the operator (shared by sellers).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_hub"
down_revision = "0006_imports"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TS = sa.DateTime(timezone=True)
_OWNED = (
    "hub_appointments",
    "hub_bin_moves",
    "hub_charges",
    "hub_counts",
    "hub_snapshots",
    "hub_statements",
    "hub_statement_lines",
)
_SETTING = "current_setting('worldpool.seller', true)"


def _seller(primary_key: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "seller",
        sa.String(64),
        primary_key=primary_key,
        nullable=False,
        server_default="default",
    )


def upgrade() -> None:
    """Create the hub tables (and their row-level security on PostgreSQL)."""
    _bins()
    _inbound()
    _counts()
    _billing()
    if op.get_bind().dialect.name == "postgresql":
        for table in _OWNED:
            visible = f"(seller = {_SETTING} OR {_SETTING} = '*')"
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY seller_isolation ON {table} "
                f"USING {visible} WITH CHECK {visible}"
            )


def _bins() -> None:
    op.create_table(
        "hub_bins",
        sa.Column("node", sa.String(32), primary_key=True),
        sa.Column("bin", sa.String(32), primary_key=True),
        sa.Column("zone", sa.String(16), nullable=False),
        sa.Column("aisle", sa.String(16), nullable=False),
        sa.Column("shelf", sa.String(16), nullable=False),
        sa.Column("position", sa.String(16), nullable=False),
        sa.Column("capacity_m3", sa.Numeric(12, 4), nullable=False),
        sa.Column("capacity_kg", sa.Numeric(12, 2), nullable=False),
        sa.Column("abc", sa.String(1), nullable=False, server_default="C"),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "hub_bin_moves",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        _seller(),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("node", sa.String(32), nullable=False),
        sa.Column("bin", sa.String(32), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.UniqueConstraint(
            "seller", "idempotency_key", "bin", name="uq_hub_bin_moves_idempotency_key"
        ),
    )
    op.create_index(
        "ix_hub_bin_moves_bin", "hub_bin_moves", ["node", "bin", "seller", "sku"]
    )


def _inbound() -> None:
    op.create_table(
        "hub_appointments",
        _seller(primary_key=True),
        sa.Column("asn", sa.String(64), primary_key=True),
        sa.Column("node", sa.String(32), nullable=False),
        sa.Column("dock", sa.String(16), nullable=False),
        sa.Column("slot_start", _TS, nullable=False),
        sa.Column("cartons", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("receipt", sa.Text()),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index(
        "ix_hub_appointments_slot", "hub_appointments", ["node", "dock", "slot_start"]
    )


def _counts() -> None:
    op.create_table(
        "hub_counts",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        _seller(),
        sa.Column("sheet", sa.String(64), nullable=False),
        sa.Column("node", sa.String(32), nullable=False),
        sa.Column("bin", sa.String(32), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Integer()),
        sa.Column("blind", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("counted_at", _TS),
        sa.UniqueConstraint(
            "seller", "sheet", "bin", "sku", name="uq_hub_counts_sheet"
        ),
    )
    op.create_index("ix_hub_counts_seller", "hub_counts", ["seller"])


def _billing() -> None:
    op.create_table(
        "hub_charges",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        _seller(),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("node", sa.String(32), nullable=False),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("qty", sa.Numeric(14, 4), nullable=False),
        sa.Column("cost", sa.Numeric(14, 4), nullable=False, server_default="0"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.UniqueConstraint(
            "seller", "idempotency_key", name="uq_hub_charges_idempotency_key"
        ),
    )
    op.create_index("ix_hub_charges_at", "hub_charges", ["node", "at"])
    op.create_table(
        "hub_snapshots",
        _seller(primary_key=True),
        sa.Column("node", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.Column("volume_m3", sa.Numeric(18, 8), nullable=False),
    )
    op.create_table(
        "hub_statements",
        _seller(primary_key=True),
        sa.Column("node", sa.String(32), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", sa.Numeric(16, 2), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("closed_at", _TS, nullable=False),
    )
    op.create_table(
        "hub_statement_lines",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        _seller(),
        sa.Column("node", sa.String(32), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("basis", sa.Numeric(18, 8), nullable=False),
        sa.Column("rate", sa.Numeric(14, 6), nullable=False),
        sa.Column("amount", sa.Numeric(16, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("trace", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_hub_statement_lines_month",
        "hub_statement_lines",
        ["seller", "node", "month", "line_no"],
    )


def downgrade() -> None:
    """Drop the hub tables."""
    for table in (
        "hub_statement_lines",
        "hub_statements",
        "hub_snapshots",
        "hub_charges",
        "hub_counts",
        "hub_bin_moves",
        "hub_bins",
        "hub_appointments",
    ):
        op.drop_table(table)
