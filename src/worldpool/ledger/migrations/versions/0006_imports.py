"""Resumable file imports: progress per import and the ASNs each one touched

Revision ID: 0006_imports
Revises: 0005_cockpit
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_imports"
down_revision = "0005_cockpit"
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the imports and import_asns tables."""
    op.create_table(
        "imports",
        sa.Column("id", _BigId, primary_key=True, autoincrement=True),
        sa.Column("seller", sa.String(64), nullable=False, server_default="default"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(512), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("posted", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("rejected", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_imports_seller_digest", "imports", ["seller", "kind", "digest"])
    op.create_table(
        "import_asns",
        sa.Column(
            "import_id",
            _BigId,
            sa.ForeignKey("imports.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seller", sa.String(64), nullable=False, server_default="default"),
        sa.Column("asn_id", sa.String(128), primary_key=True),
    )
    op.create_index("ix_import_asns_seller_asn", "import_asns", ["seller", "asn_id"])


def downgrade() -> None:
    """Drop the import tables."""
    op.drop_index("ix_import_asns_seller_asn", "import_asns")
    op.drop_table("import_asns")
    op.drop_index("ix_imports_seller_digest", "imports")
    op.drop_table("imports")
