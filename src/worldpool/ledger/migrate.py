"""Create or upgrade the ledger schema with Alembic (programmatic, no alembic.ini)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

__all__ = ["current_revision", "head_revision", "upgrade"]

_SCRIPTS = Path(__file__).with_name("migrations")


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_SCRIPTS))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Upgrade the database to ``revision``; return the revision it is now at.

    On SQLite, batch migrations copy tables that others reference, so foreign
    keys are switched off for the upgrade (the pragma is a no-op inside a
    transaction, hence before it) and checked afterwards, as Alembic advises.
    """
    cfg = _config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            _pragma(conn, "PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
            if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise RuntimeError("the upgrade left rows with dangling foreign keys")
            conn.rollback()
        finally:
            if sqlite:
                _pragma(conn, "PRAGMA foreign_keys=ON")
    return current_revision(engine)


def _pragma(conn: Connection, sql: str) -> None:
    # Straight to the driver: outside any transaction, where the pragma works.
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision this package ships."""
    return ScriptDirectory.from_config(_config()).get_current_head()
