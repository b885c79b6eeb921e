"""Alembic environment: runs against the connection worldpool hands in.

``render_as_batch`` makes ALTERs work on SQLite (copy-and-move batch mode).
"""

from alembic import context

from worldpool.ledger.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through worldpool.ledger.migrate.upgrade()")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
