"""Which seller a connection acts for: the ``worldpool.seller`` setting.

Every ledger query filters by its seller in SQL. On PostgreSQL the seller-owned
tables also carry row-level security (migration ``0004_sellers``) that shows a
transaction only the rows of the seller named by ``worldpool.seller`` (``*``:
every seller, for the 3PL operator); with no setting it shows nothing.

A ledger view runs on ``scoped(engine, seller)``: an engine proxy carrying the
seller as an execution option. The ``begin`` listener installed by
:func:`install` makes the session's setting equal to that option before the
first statement of each transaction. Issuing ``set_config`` on every
transaction would cost one round trip per posted movement, so the value set is
remembered per pooled connection and only changed when it differs; a
rollback undoes a ``set_config`` made in that transaction, so a rollback
forgets the remembered value (except in autocommit, where it was never
transactional).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

__all__ = ["ALL_SELLERS", "SELLER_OPTION", "install", "scoped", "seller_of"]

SELLER_OPTION = "worldpool_seller"
"""Execution option naming the seller of a connection."""

ALL_SELLERS = "*"
"""The seller value of the 3PL operator: every seller's rows are visible."""

_REMEMBERED = "worldpool_seller_set"
_PROXIES = "_worldpool_scoped_proxies"
_SET = "SELECT set_config('worldpool.seller', %s, false)"


def scoped(engine: Engine, seller: str) -> Engine:
    """Return a proxy of ``engine`` whose transactions act for ``seller``.

    Only PostgreSQL enforces the seller in the database (row-level security);
    on SQLite the ledger's own ``WHERE seller = ...`` filters are the whole
    story, so the engine is returned as it is (a proxy costs every statement
    an event-dispatch walk: -11 % single-writer posts, measured).
    """
    if engine.dialect.name != "postgresql" or seller_of(engine) == seller:
        return engine
    from worldpool.ledger.db import with_options  # db installs this module's hooks

    options = {**engine.get_execution_options(), SELLER_OPTION: seller}
    try:
        key = tuple(sorted(options.items()))
        hash(key)
    except TypeError:  # an unhashable option value: no reuse
        return with_options(engine, **options)
    # One proxy per (root engine, options): per-engine caches keyed by the
    # engine (the order service's SKU cache) keep working across requests,
    # instead of starting cold on every request's fresh proxy.
    root = _root(engine)
    cache: dict[tuple[Any, ...], Engine] = root.__dict__.setdefault(_PROXIES, {})
    proxy = cache.get(key)
    if proxy is None:
        proxy = cache.setdefault(key, with_options(engine, **options))
    return proxy


def _root(engine: Engine) -> Engine:
    from sqlalchemy.engine.base import OptionEngine

    while isinstance(engine, OptionEngine):
        engine = engine._proxied
    return engine


def seller_of(engine: Engine) -> str | None:
    """Return the seller an engine proxy acts for (None when not scoped)."""
    seller: str | None = engine.get_execution_options().get(SELLER_OPTION)
    return seller


def install(engine: Engine) -> None:
    """Keep PostgreSQL's ``worldpool.seller`` equal to each connection's seller."""
    event.listen(engine, "begin", _on_begin)
    event.listen(engine, "rollback", _on_rollback)


def _on_begin(conn: Any) -> None:
    # Unscoped work (migrations, the operator's tools) runs with "" and so sees
    # no seller's rows through the policies unless it runs as a superuser.
    seller = conn.get_execution_options().get(SELLER_OPTION, "")
    info = conn.connection.info
    if info.get(_REMEMBERED) == seller:
        return
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(_SET, (seller,))
    finally:
        cursor.close()
    info[_REMEMBERED] = seller


def _on_rollback(conn: Any) -> None:
    if conn.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        conn.connection.info.pop(_REMEMBERED, None)
