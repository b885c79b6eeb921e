"""PostgreSQL row-level security backs the seller filters (defence in depth).

Superusers bypass row-level security, and the tests connect as one, so these
tests act as a plain role (``SET ROLE``) to exercise the policies for real.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from tests.ledger.test_sellers import make_order
from worldpool.catalog import Catalog
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine
from worldpool.orders.service import OrderService
from worldpool.testing import make_sku

pytestmark = pytest.mark.postgres

PROBE = "worldpool_rls_probe"
"""A NOLOGIN role without BYPASSRLS that owns nothing: the policies bind it."""


def grant_probe(engine: Engine) -> None:
    """Create the probe role (if missing) and let it use every table of the schema."""
    # Roles are cluster-wide and tests may run side by side: tolerate a twin.
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE ROLE {PROBE} NOLOGIN"))
    except (ProgrammingError, DBAPIError):
        pass
    with engine.begin() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {PROBE}'))
        conn.execute(
            text(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
                f'"{schema}" TO {PROBE}'
            )
        )
        conn.execute(
            text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {PROBE}')
        )


@pytest.fixture
def seeded(pg_url: str, catalog: Catalog) -> Iterator[Engine]:
    """A migrated schema where sellers A and B both hold SKU MUG-1, and the probe role."""
    engine = make_engine(pg_url)
    root = Ledger(engine, catalog)
    root.init()
    for seller, qty in (("A", 3), ("B", 9)):
        led = root.for_seller(seller)
        led.register_skus([make_sku("MUG-1"), make_sku(f"ONLY-{seller}")])
        led.post(
            Movement(MovementKind.RECEIVE, "MUG-1", "US-FC1", qty, "ASN", "r", "k-1")
        )
    grant_probe(engine)
    yield engine
    engine.dispose()


def as_probe(
    engine: Engine, seller: str | None, sql: str, params: dict[str, Any] | None = None
) -> list[Any]:
    """Run ``sql`` as the probe role with ``worldpool.seller`` = ``seller``; return rows."""
    with engine.connect() as conn, conn.begin():
        conn.execute(text(f"SET LOCAL ROLE {PROBE}"))
        if seller is not None:
            conn.execute(
                text("SELECT set_config('worldpool.seller', :s, true)"), {"s": seller}
            )
        return list(conn.execute(text(sql), params or {}).all())


def test_raw_sql_under_one_seller_sees_only_its_rows(seeded: Engine) -> None:
    """Without any WHERE, seller A's setting shows A's rows only, in every table."""
    assert as_probe(seeded, "A", "SELECT DISTINCT seller FROM skus") == [("A",)]
    assert as_probe(seeded, "A", "SELECT seller, on_hand FROM balances") == [("A", 3)]
    assert as_probe(seeded, "B", "SELECT seller, qty FROM movements") == [("B", 9)]
    assert as_probe(seeded, "A", "SELECT sku FROM skus WHERE sku = 'ONLY-B'") == []


def test_no_setting_sees_nothing_and_star_sees_all(seeded: Engine) -> None:
    """Unscoped work fails closed; the operator's '*' sees every seller."""
    assert as_probe(seeded, None, "SELECT count(*) FROM balances") == [(0,)]
    assert as_probe(seeded, "*", "SELECT count(*) FROM balances") == [(2,)]


def test_writing_another_sellers_row_is_refused(seeded: Engine) -> None:
    """Under A's setting, a row stamped for B cannot be written or changed."""
    with pytest.raises(DBAPIError, match="row-level security"):
        as_probe(
            seeded,
            "A",
            "INSERT INTO dead_letters (seller, source, kind, error, payload, "
            "created_at) VALUES ('B', 's', 'sku', 'e', '{}', now()) RETURNING id",
        )
    changed = as_probe(
        seeded, "A", "UPDATE balances SET on_hand = 0 WHERE seller = 'B' RETURNING 1"
    )
    assert changed == []


def test_the_ledger_works_under_the_policies(seeded: Engine, catalog: Catalog) -> None:
    """A ledger running as the plain role reads, posts and routes for its seller only."""
    engine = make_engine(seeded.url)

    @event.listens_for(engine, "connect")
    def _probe(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET ROLE {PROBE}")
        dbapi_conn.commit()

    a = Ledger(engine, catalog, seller="A")
    a.post(Movement(MovementKind.RECEIVE, "MUG-1", "US-FC1", 2, "ASN", "r", "k-2"))
    assert [b.on_hand for b in a.balances()] == [5]
    assert a.skus() == ["MUG-1", "ONLY-A"]
    assert a.check().ok
    # The operator's check runs as '*' and sees both sellers' rows.
    assert a.check(all_sellers=True).rows_checked == 2
    service = OrderService(a)
    assert service.list_orders() == []
    done = service.submit(make_order("R-1", lines=(("MUG-1", 2),)))
    assert done.action == "created"
    assert [r.key for r in service.list_orders()] == ["shopify:R-1"]
    assert service.ship("shopify", "R-1").status == "shipped"
    with a.engine.connect() as conn:
        rows = conn.execute(text("SELECT seller, sku FROM skus ORDER BY sku")).all()
    assert rows == [("A", "MUG-1"), ("A", "ONLY-A")]
    b = a.for_seller("B")
    assert [x.on_hand for x in b.balances()] == [9]
    engine.dispose()
