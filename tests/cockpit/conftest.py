"""A context over a test ledger, acting as ``system`` (users, cockpit services)."""

from __future__ import annotations

import pytest

from worldpool.catalog.fx import load_fx
from worldpool.config import Settings
from worldpool.context import Context
from worldpool.ledger import Ledger


def context_of(
    ledger: Ledger, role: str = "system", user: str | None = "test"
) -> Context:
    """Return a context over ``ledger``'s engine acting as ``role``."""
    return Context(
        engine=ledger.engine,
        catalog=ledger.catalog,
        fx=load_fx(),
        settings=Settings(),
        seller="default",
        user=user,
        role=role,  # type: ignore[arg-type]
    )


@pytest.fixture
def ctx(ledger: Ledger) -> Context:
    """A system context over the empty test ledger (SQLite and PostgreSQL)."""
    return context_of(ledger)
