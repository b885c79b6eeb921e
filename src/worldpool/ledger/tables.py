"""SQLAlchemy 2 tables of the ledger (Core tables; the journal is append-only).

Only modules of ``worldpool.ledger`` may touch these tables: every quantity
change goes through :func:`worldpool.ledger.journal.post`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "DEFAULT_SELLER",
    "balances",
    "dead_letters",
    "metadata",
    "movements",
    "seller_column",
    "sku_markets",
    "skus",
]

DEFAULT_SELLER = "default"
"""The seller of a single-seller install (and of every row made before 0004)."""

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# BigInteger ids that still autoincrement on SQLite (where only INTEGER does).
_BigId = BigInteger().with_variant(Integer(), "sqlite")


def seller_column(*, primary_key: bool = False, index: bool = False) -> Column[str]:
    """Return the ``seller`` column every seller-owned table carries.

    Args:
        primary_key: Part of the table's primary key (it then leads the key).
        index: Give the column its own index (when no key or index leads with it).
    """
    return Column(
        "seller",
        String(64),
        primary_key=primary_key,
        nullable=False,
        server_default=DEFAULT_SELLER,
        index=index,
    )


skus = Table(
    "skus",
    metadata,
    seller_column(primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("title", Text, nullable=False),
    Column("gtin", String(14)),
    Column("unit_weight_kg", Numeric(12, 4), nullable=False),
    Column("unit_volume_m3", Numeric(14, 8), nullable=False),
    Column("unit_cost", Numeric(14, 4), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("hs_code", String(12)),
    Column("battery", String(16), nullable=False, server_default="none"),
    Column("category", String(128)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

sku_markets = Table(
    "sku_markets",
    metadata,
    seller_column(primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("market", String(8), primary_key=True),
    Column("listed", Boolean, nullable=False),
    Column("ffo_allowed", Boolean, nullable=False),
    ForeignKeyConstraint(
        ["seller", "sku"], ["skus.seller", "skus.sku"], name="fk_sku_markets_sku_skus"
    ),
)

movements = Table(
    "movements",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    seller_column(),
    Column("idempotency_key", String(200), nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("node", String(32), nullable=False),
    Column("from_node", String(32)),
    Column("lane", String(64)),
    Column("qty", Integer, nullable=False),
    Column("damaged", Integer, nullable=False, server_default="0"),
    Column("short", Integer, nullable=False, server_default="0"),
    Column("reason", Text, nullable=False),
    Column("reference", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("posted_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("seller", "idempotency_key", name="uq_movements_idempotency_key"),
    ForeignKeyConstraint(
        ["seller", "sku"], ["skus.seller", "skus.sku"], name="fk_movements_sku_skus"
    ),
    Index("ix_movements_sku_node", "seller", "sku", "node"),
    Index("ix_movements_reference", "seller", "reference"),
)

balances = Table(
    "balances",
    metadata,
    seller_column(primary_key=True),
    Column("sku", String(64), primary_key=True),
    Column("node", String(32), primary_key=True),
    Column("on_hand", Integer, nullable=False, server_default="0"),
    Column("reserved", Integer, nullable=False, server_default="0"),
    Column("in_transit", Integer, nullable=False, server_default="0"),
    CheckConstraint("reserved >= 0", name="reserved_nonneg"),
    CheckConstraint("on_hand >= reserved", name="available_nonneg"),
    CheckConstraint("in_transit >= 0", name="in_transit_nonneg"),
    ForeignKeyConstraint(
        ["seller", "sku"], ["skus.seller", "skus.sku"], name="fk_balances_sku_skus"
    ),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", _BigId, primary_key=True, autoincrement=True),
    seller_column(),
    Column("source", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("row", Integer),
    Column("field", String(64)),
    Column("error", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
    Index("ix_dead_letters_seller_kind", "seller", "kind"),
)
