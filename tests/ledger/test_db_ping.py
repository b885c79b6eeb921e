"""The checkout ping: a connection that dies under it is replaced, never surfaced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine

from tests.conftest import pg_schema_url
from worldpool.ledger.db import make_engine


@pytest.fixture
def engine() -> Iterator[Engine]:
    """A worldpool engine on a fresh PostgreSQL schema."""
    for url in pg_schema_url():
        eng = make_engine(url)
        yield eng
        eng.dispose()


def _ping_dies_once(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the next ping fail as psycopg fails when the socket closes under it.

    The server's socket closing during the ping's poll raises "connection
    socket closed" before psycopg marks the connection broken; SQLAlchemy's
    ping then fails restoring autocommit with this ``ProgrammingError`` (seen
    in CI under load). Returns the list of ping calls made.
    """
    real = engine.dialect.do_ping
    calls: list[int] = []

    def dying(dbapi_connection: Any) -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise psycopg.ProgrammingError(
                "can't change 'autocommit' now: connection in transaction status ACTIVE"
            )
        return bool(real(dbapi_connection))

    monkeypatch.setattr(engine.dialect, "do_ping", dying)
    return calls


@pytest.mark.postgres
def test_a_connection_dying_under_the_ping_is_replaced(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request after a failed ping runs on a fresh connection and succeeds."""
    with engine.connect() as conn:
        first_pid = conn.exec_driver_sql("select pg_backend_pid()").scalar()
    calls = _ping_dies_once(engine, monkeypatch)
    with engine.connect() as conn:
        pid = conn.exec_driver_sql("select pg_backend_pid()").scalar()
    assert calls == [1]
    assert pid != first_pid
