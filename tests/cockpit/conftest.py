"""A system context over the test ledger (users and cockpit services)."""

from __future__ import annotations

import pytest

from tests.conftest import context_of
from worldpool.context import Context
from worldpool.ledger import Ledger


@pytest.fixture
def ctx(ledger: Ledger) -> Context:
    """A system context over the empty test ledger (SQLite and PostgreSQL)."""
    return context_of(ledger)
