"""Every seller-owned table carries the seller policy on PostgreSQL (migration 0006_rls).

The tables come from the ORM metadata (every table with a ``seller`` column),
so a table added later without a policy fails here unless it is named in
:data:`EXEMPT` with its reason. Each table gets one row for seller A and one
for seller B, written by the superuser the app connects as (which bypasses
row-level security); then a plain role acting for A must neither see nor write
B's row. Every probe runs in a transaction that is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    delete,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError

import worldpool.ledger  # noqa: F401  (imports every table module)
from tests.conftest import pg_schema_url
from tests.ledger.test_row_security import PROBE, grant_probe
from worldpool import audit
from worldpool.catalog import Catalog
from worldpool.catalog.fx import load_fx
from worldpool.config import Settings
from worldpool.context import Context, Role
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine
from worldpool.ledger.tables import metadata

pytestmark = pytest.mark.postgres

EXEMPT = {
    "api_keys": "read to find the seller of a request, before any seller is known",
    "users": "read at login by user name, before any seller is known",
}
"""Seller-owned tables without a policy, each with its reason."""

SELLER_TABLES = sorted(t.name for t in metadata.sorted_tables if "seller" in t.c)
POLICY_TABLES = [name for name in SELLER_TABLES if name not in EXEMPT]


def _value(column: Any, seller: str, n: int) -> Any:
    """A valid value of ``column``'s type, distinct per seller and ``n``."""
    kind = column.type
    if isinstance(kind, String) and not isinstance(kind, Text):
        return f"{seller}{n}-{column.name}"[: kind.length or 64]
    if isinstance(kind, Text):
        return "{}"
    if isinstance(kind, Integer):
        return n
    if isinstance(kind, Numeric | Float):
        return 1
    if isinstance(kind, DateTime):
        return datetime.now(UTC)
    if isinstance(kind, Date):
        return date(2026, 12, 6)
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, LargeBinary):
        return b"%PDF"
    raise AssertionError(f"no test value for {column.table.name}.{column.name}")


def row_for(table: Table, seller: str, n: int) -> dict[str, Any]:
    """Return a minimal row of ``table`` owned by ``seller`` (required columns only).

    A ``sku`` is ``<seller><n>-sku`` in every table, so a balance row of ``n``
    refers to the SKU row of the same ``n``.
    """
    row: dict[str, Any] = {"seller": seller}
    for column in table.c:
        if column.name == "seller" or column is table.autoincrement_column:
            continue
        if column.nullable or column.server_default is not None:
            continue
        row[column.name] = _value(column, seller, n)
    return row


@pytest.fixture(scope="module")
def two_sellers(catalog: Catalog) -> Iterator[Engine]:
    """A migrated schema with one row of A and one of B in every seller table."""
    for url in pg_schema_url():
        engine = make_engine(url)
        Ledger(engine, catalog).init()
        with engine.begin() as conn:
            for table in metadata.sorted_tables:  # parents (skus) first
                if "seller" not in table.c:
                    continue
                for seller in ("A", "B"):
                    conn.execute(table.insert().values(row_for(table, seller, 1)))
        grant_probe(engine)
        yield engine
        engine.dispose()


def _probe(engine: Engine, seller: str | None) -> Iterator[Connection]:
    """Yield a connection acting as the probe role for ``seller``; roll back after."""
    with engine.connect() as conn:
        conn.begin()
        conn.execute(text(f"SET LOCAL ROLE {PROBE}"))
        if seller is not None:
            conn.execute(
                text("SELECT set_config('worldpool.seller', :s, true)"), {"s": seller}
            )
        try:
            yield conn
        finally:
            conn.rollback()


def _sellers_seen(conn: Connection, table: Table) -> list[tuple[str, int]]:
    stmt = select(table.c.seller, func.count()).group_by(table.c.seller)
    return sorted((r[0], r[1]) for r in conn.execute(stmt))


def test_every_seller_table_has_the_policy(two_sellers: Engine) -> None:
    """Row-level security is on and forced, with the seller policy, on each table."""
    with two_sellers.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
                "EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = "
                "n.nspname AND p.tablename = c.relname AND p.policyname = "
                "'seller_isolation') FROM pg_class c JOIN pg_namespace n ON "
                "n.oid = c.relnamespace WHERE n.nspname = current_schema() "
                "AND c.relkind = 'r'"
            )
        ).all()
    state = {r[0]: tuple(r[1:]) for r in rows}
    assert {name: state[name] for name in POLICY_TABLES} == dict.fromkeys(
        POLICY_TABLES, (True, True, True)
    )
    assert {name: state[name] for name in EXEMPT} == dict.fromkeys(
        EXEMPT, (False, False, False)
    )


@pytest.mark.parametrize("name", POLICY_TABLES)
def test_seller_a_cannot_see_or_write_seller_bs_rows(
    two_sellers: Engine, name: str
) -> None:
    """Acting for A, a plain role sees only A's row and cannot touch B's."""
    table = metadata.tables[name]
    for conn in _probe(two_sellers, "A"):
        assert _sellers_seen(conn, table) == [("A", 1)]
        where_b = table.c.seller == "B"
        assert (
            conn.execute(update(table).where(where_b).values(seller="B")).rowcount == 0
        )
        assert conn.execute(delete(table).where(where_b)).rowcount == 0
    for conn in _probe(two_sellers, "A"):
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(table.insert().values(row_for(table, "B", 2)))
    for conn in _probe(two_sellers, "A"):
        # Handing one's own row to another seller fails the WITH CHECK half.
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(update(table).where(table.c.seller == "A").values(seller="B"))
    for conn in _probe(two_sellers, "B"):
        assert _sellers_seen(conn, table) == [("B", 1)]
    for conn in _probe(two_sellers, None):
        assert _sellers_seen(conn, table) == []
    for conn in _probe(two_sellers, "*"):
        assert _sellers_seen(conn, table) == [("A", 1), ("B", 1)]


@pytest.mark.parametrize("name", POLICY_TABLES)
def test_the_superuser_path_is_unchanged(two_sellers: Engine, name: str) -> None:
    """The app's own (superuser) connection still reads and writes every seller's rows."""
    table = metadata.tables[name]
    with two_sellers.connect() as conn:
        conn.begin()
        conn.execute(text("SELECT set_config('worldpool.seller', 'A', true)"))
        assert _sellers_seen(conn, table) == [("A", 1), ("B", 1)]
        changed = update(table).where(table.c.seller == "B").values(seller="B")
        assert conn.execute(changed).rowcount == 1
        conn.rollback()


def test_services_under_a_plain_role_act_for_the_contexts_seller(
    two_sellers: Engine, catalog: Catalog
) -> None:
    """A server running as a plain role: ctx.engine carries the acting seller.

    Owners of A and B each write and read their own audit rows through the
    service; the operator (``hub``) reads every seller's.
    """
    engine = make_engine(two_sellers.url)

    @event.listens_for(engine, "connect")
    def _probe_role(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET ROLE {PROBE}")
        dbapi_conn.commit()

    def ctx(seller: str, role: Role) -> Context:
        return Context(engine, catalog, load_fx(), Settings(), seller, "t", role)

    try:
        audit.record(ctx("A", "owner"), "probe.a", target="x")
        audit.record(ctx("B", "owner"), "probe.b", target="y")
        mine = [(e.seller, e.action) for e in audit.history(ctx("A", "owner"))]
        assert ("A", "probe.a") in mine
        assert {seller for seller, _ in mine} == {"A"}
        every = {e.action for e in audit.history(ctx("A", "hub"))}
        assert {"probe.a", "probe.b"} <= every
    finally:
        with two_sellers.begin() as conn:  # keep the module's one row per seller
            conn.execute(text("DELETE FROM audit_log WHERE action LIKE 'probe.%'"))
        engine.dispose()
