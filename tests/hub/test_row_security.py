"""PostgreSQL row-level security on the hub tables (acting as a plain role)."""

from __future__ import annotations

import pytest

from tests.conftest import context_of
from tests.hub.conftest import HUB, stock
from tests.ledger.test_row_security import as_probe, grant_probe
from worldpool.catalog import Catalog
from worldpool.hub import CloseRequest
from worldpool.hub import service as billing
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine

pytestmark = pytest.mark.postgres


def test_statements_and_snapshots_are_visible_to_their_seller_only(
    pg_url: str, catalog: Catalog
) -> None:
    """Seller acme's setting shows acme's statement rows; '*' shows both sellers."""
    engine = make_engine(pg_url)
    root = Ledger(engine, catalog)
    root.init()
    stock(root, "acme", 1)
    stock(root, "beta", 2)
    billing.close_month(context_of(root, role="hub"), CloseRequest("2026-10", HUB))
    grant_probe(engine)
    try:
        for table in ("hub_statements", "hub_statement_lines", "hub_snapshots"):
            sql = f"SELECT DISTINCT seller FROM {table} ORDER BY seller"
            assert as_probe(engine, "acme", sql) == [("acme",)], table
            assert as_probe(engine, "*", sql) == [("acme",), ("beta",)], table
            assert as_probe(engine, None, sql) == [], table
    finally:
        engine.dispose()
