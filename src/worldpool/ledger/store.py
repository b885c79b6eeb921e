"""The :class:`Ledger`: one object that owns the engine and the catalog.

Services and interfaces talk to the pool through it; each method is one
transaction (or one per movement for batches, so that a bad record never
takes good ones down with it).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field

from sqlalchemy import Engine, and_, select
from sqlalchemy.exc import OperationalError

from worldpool.catalog import Catalog, load_catalog
from worldpool.config import Settings
from worldpool.domain.inventory import Atp, Balance, Movement, MovementKind
from worldpool.domain.product import SkuRecord
from worldpool.errors import UnknownReference, WorldpoolError
from worldpool.ledger import migrate
from worldpool.ledger.atp import atp_on
from worldpool.ledger.check import DriftReport, check_on
from worldpool.ledger.db import make_engine, reader
from worldpool.ledger.deadletter import (
    DeadLetter,
    list_dead_letters_on,
    record_dead_letters_on,
)
from worldpool.ledger.effects import validate
from worldpool.ledger.history import JournalEntry, journal_on
from worldpool.ledger.journal import PostResult, post_on
from worldpool.ledger.skus import get_sku_on, list_skus_on, upsert_skus_on
from worldpool.ledger.tables import balances

__all__ = ["BatchResult", "Ledger"]

# PostgreSQL SQLSTATEs worth one more try: serialization failure, deadlock.
_RETRY_SQLSTATES = frozenset({"40001", "40P01"})
_RETRIES = 5

# One write lock per engine, shared by every Ledger view of it (a Context builds
# a cheap view per request; the lock must not be per view).
_LOCKS: weakref.WeakKeyDictionary[Engine, AbstractContextManager[object]] = (
    weakref.WeakKeyDictionary()
)
_LOCKS_GUARD = threading.Lock()


def _write_lock(engine: Engine) -> AbstractContextManager[object]:
    if engine.dialect.name != "sqlite":
        return nullcontext()
    with _LOCKS_GUARD:
        lock = _LOCKS.get(engine)
        if lock is None:
            lock = _LOCKS[engine] = threading.Lock()
        return lock


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Outcome of posting a batch of movements one transaction each."""

    posted: int = 0
    """Movements newly written."""
    duplicates: int = 0
    """Movements whose idempotency key was already posted (no-ops)."""
    rejected: tuple[tuple[Movement, WorldpoolError], ...] = field(default_factory=tuple)
    """Movements refused, each with its error; nothing of them was written."""


class Ledger:
    """The global inventory pool, persisted in SQLite or PostgreSQL."""

    def __init__(
        self, engine: Engine, catalog: Catalog, *, seller: str = "default"
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.seller = seller
        self._reader = reader(engine)
        # SQLite has one writer at a time anyway; queueing our own threads on a
        # lock avoids its busy-handler's millisecond sleeps (see BENCHMARKS.md).
        self._write_lock = _write_lock(engine)

    @classmethod
    def open(cls, url: str | None = None, catalog: Catalog | None = None) -> Ledger:
        """Open the ledger at ``url`` (default: settings from the environment)."""
        settings = Settings.from_env()
        engine = make_engine(url or settings.database_url)
        # load_catalog applies WORLDPOOL_CATALOG overrides itself.
        return cls(engine, catalog or load_catalog())

    def init(self) -> str | None:
        """Create or upgrade the schema; return the schema revision."""
        return migrate.upgrade(self.engine)

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- SKUs -------------------------------------------------------------
    def register_skus(self, records: Iterable[SkuRecord]) -> tuple[int, int]:
        """Insert or update SKUs in one transaction; return (new, updated) counts."""
        batch = list(records)
        for rec in batch:
            for mk in (*rec.listed_markets, *rec.ffo_markets):
                self.catalog.marketplace(mk)
        with self._write_lock, self.engine.begin() as conn:
            return upsert_skus_on(conn, batch, list(self.catalog.marketplaces))

    def sku(self, sku: str) -> SkuRecord:
        """Return a registered SKU; raise UnknownReference otherwise."""
        with self._reader.connect() as conn:
            rec = get_sku_on(conn, sku)
        if rec is None:
            raise UnknownReference("SKU is not registered", record="sku", value=sku)
        return rec

    def skus(self) -> list[str]:
        """Return every registered SKU id, sorted."""
        with self._reader.connect() as conn:
            return list_skus_on(conn)

    # -- movements --------------------------------------------------------
    def post(self, movement: Movement) -> PostResult:
        """Validate and post one movement atomically (idempotent by key)."""
        validate(movement, self.catalog.nodes)
        for attempt in range(_RETRIES):
            try:
                with self._write_lock, self.engine.begin() as conn:
                    return post_on(conn, movement)
            except OperationalError as exc:
                # A dropped connection (server restart; the pool does not pre-ping)
                # is safe to retry: the idempotency key makes a repeat a no-op.
                code = getattr(exc.orig, "sqlstate", None)
                retry = exc.connection_invalidated or code in _RETRY_SQLSTATES
                if not retry or attempt == _RETRIES - 1:
                    raise
                time.sleep(0.005 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def post_many(self, movements: Sequence[Movement]) -> BatchResult:
        """Post each movement in its own transaction; keep going past bad ones."""
        posted = dups = 0
        rejected: list[tuple[Movement, WorldpoolError]] = []
        for m in movements:
            try:
                result = self.post(m)
            except WorldpoolError as exc:
                rejected.append((m, exc))
                continue
            dups += result.duplicate
            posted += not result.duplicate
        return BatchResult(posted, dups, tuple(rejected))

    def reserve(
        self, sku: str, node: str, qty: int, reference: str, key: str
    ) -> PostResult:
        """Reserve ``qty`` units at ``node`` for ``reference``; never oversells."""
        return self.post(
            Movement(
                MovementKind.RESERVE,
                sku,
                node,
                qty,
                "reserve for order",
                reference,
                key,
            )
        )

    # -- reads ------------------------------------------------------------
    def balances(
        self, sku: str | None = None, node: str | None = None, market: str | None = None
    ) -> list[Balance]:
        """Return balance rows, filtered by SKU, node, or the nodes serving a market."""
        stmt = select(balances).order_by(balances.c.sku, balances.c.node)
        conds = []
        if sku is not None:
            conds.append(balances.c.sku == sku)
        if node is not None:
            self.catalog.node(node)
            conds.append(balances.c.node == node)
        if market is not None:
            ids = [n.id for n in self.catalog.fcs_for(market)]
            ids += [h.id for h in self.catalog.hubs()]
            conds.append(balances.c.node.in_(ids))
        if conds:
            stmt = stmt.where(and_(*conds))
        with self._reader.connect() as conn:
            return [
                Balance(r.sku, r.node, r.on_hand, r.reserved, r.in_transit)
                for r in conn.execute(stmt)
            ]

    def atp(self, sku: str, market: str) -> Atp:
        """Return available-to-promise for ``sku`` in ``market`` (see ``atp_on``)."""
        with self._reader.connect() as conn:
            return atp_on(conn, self.catalog, sku, market)

    def check(self) -> DriftReport:
        """Recompute balances from the journal and report drift (empty when sound).

        Both sums are read in one snapshot (REPEATABLE READ on PostgreSQL, a read
        transaction on SQLite), so writers running meanwhile never show up as
        false drift.
        """
        engine = self._reader
        if self.engine.dialect.name == "postgresql":
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        with engine.begin() as conn:
            return check_on(conn)

    def journal(
        self,
        sku: str | None = None,
        node: str | None = None,
        reference: str | None = None,
        limit: int = 100,
    ) -> list[JournalEntry]:
        """Return the newest journal entries (newest first), optionally filtered."""
        with self._reader.connect() as conn:
            return journal_on(
                conn, sku=sku, node=node, reference=reference, limit=limit
            )

    # -- dead letters -----------------------------------------------------
    def dead_letter(self, letters: Iterable[DeadLetter]) -> int:
        """Store rejected records; return how many."""
        with self.engine.begin() as conn:
            return record_dead_letters_on(conn, letters)

    def dead_letters(self, kind: str | None = None) -> list[DeadLetter]:
        """Return unresolved dead letters, optionally of one kind."""
        with self._reader.connect() as conn:
            return list_dead_letters_on(conn, kind)
