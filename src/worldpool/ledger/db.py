"""Engine creation: SQLite (WAL, ``BEGIN IMMEDIATE``) by default, PostgreSQL by URL.

SQLite ignores ``SELECT ... FOR UPDATE``; its correctness comes from the single
writer lock. In WAL mode a deferred transaction that reads and then writes
gets ``SQLITE_BUSY`` at once, without waiting for ``busy_timeout``; starting
every write transaction with ``BEGIN IMMEDIATE`` takes the lock up front so
writers queue instead of failing. Read-only work uses :func:`reader`, which
starts deferred transactions and so never blocks writers.

PostgreSQL connections are pinged on checkout (``pool_pre_ping``), so a server
restart costs a reconnect, never a failed request (any read or write may be the
first to meet the dead connection); they are also recycled after
:data:`_RECYCLE_S`. Any error of that ping counts as a dead connection
(:func:`_ping_failure_is_disconnect`): when the server's socket closes under
the ping, psycopg can report it before it marks the connection broken, and the
driver's own check would then let the error through to the caller.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.engine.base import OptionEngine

from worldpool.ledger import sellers

__all__ = ["READONLY", "make_engine", "normalise_url", "reader", "with_options"]

READONLY = "worldpool_readonly"
"""Execution option marking an engine/connection as read-only (deferred BEGIN)."""

_BUSY_TIMEOUT_MS = 60_000
_RECYCLE_S = 1800
_POOL_SIZE = 20


def normalise_url(url: str | URL) -> URL:
    """Return ``url`` as a URL, mapping ``postgresql://`` to the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL, *, echo: bool = False, pre_ping: bool = True) -> Engine:
    """Create an engine for ``url`` with worldpool's transaction settings.

    ``pre_ping=False`` skips the checkout ping (one round trip per transaction)
    for a process whose every loop survives a failed statement and tries again,
    such as the sync worker: a dead connection then costs one failed pass, and
    the pool drops it.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, echo=echo)
    engine = create_engine(
        parsed,
        echo=echo,
        pool_pre_ping=pre_ping,
        pool_recycle=_RECYCLE_S,
        pool_size=_POOL_SIZE,
    )
    event.listen(engine, "handle_error", _ping_failure_is_disconnect)
    sellers.install(engine)
    return engine


def _ping_failure_is_disconnect(context: ExceptionContext) -> None:
    """Treat every failed checkout ping as a dropped connection.

    The ping is an empty statement: nothing but a broken connection makes it
    fail. psycopg may raise "connection socket closed" while the connection
    still reads as open, and SQLAlchemy's ping then fails again restoring
    autocommit (``ProgrammingError``, transaction status ACTIVE), which the
    driver does not recognise as a disconnect. Marking it one makes the pool
    drop the connection and open a fresh one instead of failing the request.
    """
    if context.is_pre_ping:
        context.is_disconnect = True


def reader(engine: Engine) -> Engine:
    """Return a view of ``engine`` for reads.

    On SQLite its transactions are deferred (they never block writers). On
    PostgreSQL it runs in autocommit: under READ COMMITTED every statement
    takes its own snapshot anyway, and it spares the BEGIN/ROLLBACK round
    trips (and keeps the seller setting of the connection, see
    :mod:`worldpool.ledger.sellers`). Work that needs one snapshot over several
    statements sets its own isolation level on top.
    """
    if engine.dialect.name == "postgresql":
        return with_options(engine, isolation_level="AUTOCOMMIT")
    return with_options(engine, **{READONLY: True})


def with_options(engine: Engine, **options: Any) -> Engine:
    """Return ``engine`` with more execution options, as ONE proxy of the root engine.

    ``Engine.execution_options`` on a proxy wraps the proxy again, and every
    event dispatch then walks the chain of proxies; ledger views are made per
    request and per seller, so the chain is kept one level deep.
    """
    merged = {**engine.get_execution_options(), **options}
    root = engine
    while isinstance(root, OptionEngine):
        root = root._proxied
    return root.execution_options(**merged)


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": _BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so that BEGIN is ours.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        if url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        readonly = conn.get_execution_options().get(READONLY, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine
