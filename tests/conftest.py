"""Session fixtures: the packaged catalog, ledgers on SQLite and on PostgreSQL.

PostgreSQL tests use ``WORLDPOOL_TEST_PG_URL`` (default: the local server at
127.0.0.1:5432, database ``test``). Each test gets its own schema, dropped
afterwards. When the server cannot be reached the tests skip locally, but in
CI (``CI`` set) they fail: PostgreSQL tests must really run there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from worldpool.catalog import Catalog, load_catalog
from worldpool.catalog.fx import load_fx
from worldpool.config import Settings
from worldpool.context import Context, Role
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine, normalise_url

DATA = Path(__file__).parent / "data"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# CI replays the same examples every run (a red CI is then a real regression,
# reproducible locally with CI=true); developers keep hypothesis's random search.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The packaged reference catalog."""
    return load_catalog()


def pg_base_url() -> str:
    """Return the PostgreSQL URL for tests, or skip/fail when unreachable."""
    url = os.environ.get("WORLDPOOL_TEST_PG_URL", PG_DEFAULT)
    try:
        engine = create_engine(normalise_url(url))
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL must run in CI but {url} is unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {url}")
    return url


def pg_schema_url() -> Iterator[str]:
    """Yield a URL whose search_path is a fresh schema; drop it afterwards."""
    base = normalise_url(pg_base_url())
    schema = f"wp_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """URL of an empty PostgreSQL schema for this test."""
    yield from pg_schema_url()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield from pg_schema_url()


@pytest.fixture
def ledger(db_url: str, catalog: Catalog) -> Iterator[Ledger]:
    """An initialised, empty ledger (SQLite and PostgreSQL)."""
    led = Ledger(make_engine(db_url), catalog)
    led.init()
    yield led
    led.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of an empty SQLite file database."""
    return f"sqlite:///{tmp_path / 'wp.db'}"


def is_postgres(url: str) -> bool:
    """True when ``url`` points at PostgreSQL."""
    return make_url(url).get_backend_name() == "postgresql"


def context_for(ledger: Ledger, *, role: Role = "owner", **settings: str) -> Context:
    """Return a context acting for the ledger's seller on the ledger's database."""
    url = ledger.engine.url.render_as_string(hide_password=False)
    fx_file = os.environ.get("WORLDPOOL_FX_FILE")
    return Context(
        engine=ledger.engine,
        catalog=ledger.catalog,
        fx=load_fx(Path(fx_file) if fx_file else None),
        settings=Settings.from_env().with_(database_url=url, **settings),
        seller=ledger.seller,
        user="test",
        role=role,
    )


def context_of(
    ledger: Ledger, role: Role = "system", user: str | None = "test"
) -> Context:
    """Return a context over ``ledger`` acting as ``role`` (default: worldpool itself)."""
    return replace(context_for(ledger, role=role), user=user)


@pytest.fixture
def ctx(ledger: Ledger) -> Context:
    """A context (owner, default seller) over the initialised, empty ``ledger``."""
    return context_for(ledger)
