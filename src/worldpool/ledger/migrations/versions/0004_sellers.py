"""Many sellers in one database: a seller on every seller-owned row

Revision ID: 0004_sellers
Revises: 0004_audit
Create Date: 2026-12-05

Every seller-owned table gets ``seller`` (existing rows: ``default``, so a
single-seller install needs no extra step), and the keys become seller-qualified:
two sellers may use the same SKU code, idempotency key, channel order id or plan
id. On PostgreSQL the seller-owned tables also get row-level security keyed on
the ``worldpool.seller`` setting the ledger issues per transaction (see
:mod:`worldpool.ledger.sellers`); ``FORCE`` makes it hold for the table owner too.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_sellers"
down_revision = "0004_audit"
branch_labels = None
depends_on = None

_OWNED = (
    "skus",
    "sku_markets",
    "movements",
    "balances",
    "dead_letters",
    "orders",
    "plans",
    "api_keys",
)
# api_keys is read to find the seller of a request, before any seller is known,
# so it is filtered in code and holds only digests; it gets no policy.
_RLS = tuple(t for t in _OWNED if t != "api_keys")
_CHILDREN = ("sku_markets", "movements", "balances")
_SETTING = "current_setting('worldpool.seller', true)"


def _seller() -> sa.Column[str]:
    return sa.Column("seller", sa.String(64), nullable=False, server_default="default")


def upgrade() -> None:
    """Add the seller columns, seller-qualify the keys, add RLS on PostgreSQL."""
    for table in _OWNED:
        with op.batch_alter_table(table) as b:
            b.add_column(_seller())
    for table in _CHILDREN:
        with op.batch_alter_table(table) as b:
            b.drop_constraint(f"fk_{table}_sku_skus", type_="foreignkey")
    _rekey("skus", ["seller", "sku"])
    _rekey("sku_markets", ["seller", "sku", "market"])
    _rekey("balances", ["seller", "sku", "node"])
    _rekey("plans", ["seller", "id"])
    with op.batch_alter_table("movements") as b:
        b.drop_constraint("uq_movements_idempotency_key", type_="unique")
        b.create_unique_constraint(
            "uq_movements_idempotency_key", ["seller", "idempotency_key"]
        )
        b.drop_index("ix_movements_sku_node")
        b.drop_index("ix_movements_reference")
        b.create_index("ix_movements_sku_node", ["seller", "sku", "node"])
        b.create_index("ix_movements_reference", ["seller", "reference"])
    for table in _CHILDREN:
        with op.batch_alter_table(table) as b:
            b.create_foreign_key(
                f"fk_{table}_sku_skus",
                "skus",
                ["seller", "sku"],
                ["seller", "sku"],
            )
    with op.batch_alter_table("orders") as b:
        b.drop_constraint("uq_orders_channel", type_="unique")
        b.create_unique_constraint(
            "uq_orders_channel", ["seller", "channel", "channel_order_id"]
        )
        b.drop_index("ix_orders_status")
        b.create_index("ix_orders_status", ["seller", "status"])
    op.create_index("ix_dead_letters_seller_kind", "dead_letters", ["seller", "kind"])
    op.create_index("ix_api_keys_seller", "api_keys", ["seller"])
    if op.get_bind().dialect.name == "postgresql":
        for table in _RLS:
            _enable_rls(table)


def _rekey(table: str, columns: list[str]) -> None:
    with op.batch_alter_table(table) as b:
        b.drop_constraint(f"pk_{table}", type_="primary")
        b.create_primary_key(f"pk_{table}", columns)


def _enable_rls(table: str) -> None:
    visible = f"(seller = {_SETTING} OR {_SETTING} = '*')"
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY seller_isolation ON {table} "
        f"USING {visible} WITH CHECK {visible}"
    )


def downgrade() -> None:
    """Refuse: merging sellers' rows back into one key space may lose data."""
    raise NotImplementedError("0004_sellers cannot be downgraded")
