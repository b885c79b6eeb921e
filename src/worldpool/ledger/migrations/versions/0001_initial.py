"""Initial ledger schema: SKUs, listings, movement journal, balances, dead letters

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "skus",
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("gtin", sa.String(14)),
        sa.Column("unit_weight_kg", sa.Numeric(12, 4), nullable=False),
        sa.Column("unit_volume_m3", sa.Numeric(14, 8), nullable=False),
        sa.Column("unit_cost", sa.Numeric(14, 4), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("hs_code", sa.String(12)),
        sa.Column("battery", sa.String(16), nullable=False, server_default="none"),
        sa.Column("category", sa.String(128)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sku", name="pk_skus"),
    )
    op.create_table(
        "sku_markets",
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("market", sa.String(8), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("ffo_allowed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["sku"], ["skus.sku"], name="fk_sku_markets_sku_skus"),
        sa.PrimaryKeyConstraint("sku", "market", name="pk_sku_markets"),
    )
    op.create_table(
        "movements",
        sa.Column("id", _BigId, autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("payload_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("node", sa.String(32), nullable=False),
        sa.Column("from_node", sa.String(32)),
        sa.Column("lane", sa.String(64)),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("damaged", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("short", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sku"], ["skus.sku"], name="fk_movements_sku_skus"),
        sa.PrimaryKeyConstraint("id", name="pk_movements"),
        sa.UniqueConstraint("idempotency_key", name="uq_movements_idempotency_key"),
    )
    op.create_index("ix_movements_sku_node", "movements", ["sku", "node"])
    op.create_index("ix_movements_reference", "movements", ["reference"])
    op.create_table(
        "balances",
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("node", sa.String(32), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reserved", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("in_transit", sa.Integer(), nullable=False, server_default="0"),
        sa.CheckConstraint("reserved >= 0", name="ck_balances_reserved_nonneg"),
        sa.CheckConstraint("on_hand >= reserved", name="ck_balances_available_nonneg"),
        sa.CheckConstraint("in_transit >= 0", name="ck_balances_in_transit_nonneg"),
        sa.ForeignKeyConstraint(["sku"], ["skus.sku"], name="fk_balances_sku_skus"),
        sa.PrimaryKeyConstraint("sku", "node", name="pk_balances"),
    )
    op.create_table(
        "dead_letters",
        sa.Column("id", _BigId, autoincrement=True, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("row", sa.Integer()),
        sa.Column("field", sa.String(64)),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_dead_letters"),
    )


def downgrade() -> None:
    op.drop_table("dead_letters")
    op.drop_table("balances")
    op.drop_index("ix_movements_reference", table_name="movements")
    op.drop_index("ix_movements_sku_node", table_name="movements")
    op.drop_table("movements")
    op.drop_table("sku_markets")
    op.drop_table("skus")
