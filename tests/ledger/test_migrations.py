from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from worldpool.ledger import Ledger
from worldpool.ledger.migrate import current_revision, head_revision
from worldpool.ledger.tables import metadata


def test_init_reaches_head_and_is_repeatable(ledger: Ledger) -> None:
    """Init creates every table at the head revision; running it again is harmless."""
    assert current_revision(ledger.engine) == head_revision()
    assert ledger.init() == head_revision()
    names = set(inspect(ledger.engine).get_table_names())
    assert {"skus", "sku_markets", "movements", "balances", "dead_letters"} <= names


def test_migrations_match_table_definitions(ledger: Ledger) -> None:
    """The migrated schema equals tables.py (no autogenerate diff)."""
    with ledger.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, metadata)
    assert diff == []
