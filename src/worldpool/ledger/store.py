"""The :class:`Ledger`: one seller's view of the pool (engine + catalog + seller).

Services talk to the pool through it; each method is one transaction (or one
per movement for batches, so that a bad record never takes good ones down with
it). Every read and write is filtered by, or stamped with, the view's seller;
on PostgreSQL its connections also carry the seller for row-level security
(:mod:`worldpool.ledger.sellers`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, and_, select
from sqlalchemy.pool import Pool

from worldpool.catalog import Catalog, load_catalog
from worldpool.config import Settings
from worldpool.domain.inventory import Atp, Balance, Movement, MovementKind
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError, UnknownReference, WorldpoolError
from worldpool.ledger import migrate
from worldpool.ledger.atp import atp_on
from worldpool.ledger.check import DriftReport, check_on
from worldpool.ledger.db import make_engine, reader
from worldpool.ledger.dead_letter_store import (
    DeadLetter,
    StoredDeadLetter,
    get_dead_letter_on,
    list_dead_letters_on,
    record_dead_letters_on,
    resolve_dead_letter_on,
)
from worldpool.ledger.effects import validate
from worldpool.ledger.history import (
    JournalEntry,
    journal_on,
    last_movement_at_on,
    movement_rows_on,
)
from worldpool.ledger.journal import PostResult, post_on
from worldpool.ledger.plan_tables import (
    PlanApplied,
    apply_plan_on,
    get_plan_on,
    insert_plan_on,
)
from worldpool.ledger.retry import retrying
from worldpool.ledger.sellers import ALL_SELLERS, scoped
from worldpool.ledger.skus import get_sku_on, list_skus_on, upsert_skus_on
from worldpool.ledger.tables import DEFAULT_SELLER, balances

__all__ = ["BatchResult", "Ledger"]

# One write lock per connection pool, shared by every Ledger view of it (a
# Context builds a cheap view per request and per seller; engine proxies made by
# execution_options share their pool, so the pool is the key).
_LOCKS: weakref.WeakKeyDictionary[Pool, AbstractContextManager[object]] = (
    weakref.WeakKeyDictionary()
)
_LOCKS_GUARD = threading.Lock()


def _write_lock(engine: Engine) -> AbstractContextManager[object]:
    if engine.dialect.name != "sqlite":
        return nullcontext()
    with _LOCKS_GUARD:
        lock = _LOCKS.get(engine.pool)
        if lock is None:
            lock = _LOCKS[engine.pool] = threading.Lock()
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
    """One seller's view of the global inventory pool (SQLite or PostgreSQL).

    Args:
        engine: The database engine (views of one engine share its pool).
        catalog: Reference data in force.
        seller: The seller every read and write is scoped to.
    """

    def __init__(
        self, engine: Engine, catalog: Catalog, *, seller: str = DEFAULT_SELLER
    ) -> None:
        if not seller or seller == ALL_SELLERS or len(seller) > 64:
            raise InputError(
                "must be 1-64 characters and not '*'",
                record="ledger",
                field="seller",
                value=seller,
            )
        self.engine = scoped(engine, seller)
        self.catalog = catalog
        self.seller = seller
        self._reader = reader(self.engine)
        # SQLite has one writer at a time anyway; queueing our own threads on a
        # lock avoids its busy-handler's millisecond sleeps (see BENCHMARKS.md).
        self._write_lock = _write_lock(engine)

    @property
    def write_lock(self) -> AbstractContextManager[object]:
        """The lock writers of this pool take first (SQLite only; else a no-op)."""
        return self._write_lock

    def for_seller(self, seller: str) -> Ledger:
        """Return the view of the same pool for another seller."""
        return Ledger(self.engine, self.catalog, seller=seller)

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
            return upsert_skus_on(
                conn, self.seller, batch, list(self.catalog.marketplaces)
            )

    def sku(self, sku: str) -> SkuRecord:
        """Return a registered SKU; raise UnknownReference otherwise."""
        with self._reader.connect() as conn:
            rec = get_sku_on(conn, self.seller, sku)
        if rec is None:
            raise UnknownReference("SKU is not registered", record="sku", value=sku)
        return rec

    def skus(self) -> list[str]:
        """Return every SKU id this seller registered, sorted."""
        with self._reader.connect() as conn:
            return list_skus_on(conn, self.seller)

    # -- movements --------------------------------------------------------
    def post(self, movement: Movement) -> PostResult:
        """Validate and post one movement atomically (idempotent by key)."""
        validate(movement, self.catalog.nodes)

        def _once() -> PostResult:
            with self._write_lock, self.engine.begin() as conn:
                return post_on(conn, movement, seller=self.seller)

        return retrying(_once)

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
        conds = [balances.c.seller == self.seller]
        if sku is not None:
            conds.append(balances.c.sku == sku)
        if node is not None:
            self.catalog.node(node)
            conds.append(balances.c.node == node)
        if market is not None:
            ids = [n.id for n in self.catalog.fcs_for(market)]
            ids += [h.id for h in self.catalog.hubs()]
            conds.append(balances.c.node.in_(ids))
        stmt = stmt.where(and_(*conds))
        with self._reader.connect() as conn:
            return [
                Balance(r.sku, r.node, r.on_hand, r.reserved, r.in_transit)
                for r in conn.execute(stmt)
            ]

    def atp(self, sku: str, market: str) -> Atp:
        """Return available-to-promise for ``sku`` in ``market`` (see ``atp_on``)."""
        with self._reader.connect() as conn:
            return atp_on(conn, self.catalog, self.seller, sku, market)

    def check(self, *, all_sellers: bool = False) -> DriftReport:
        """Recompute balances from the journal and report drift (empty when sound).

        Both sums are read in one snapshot (REPEATABLE READ on PostgreSQL, a read
        transaction on SQLite), so writers running meanwhile never show up as
        false drift.

        Args:
            all_sellers: Check every seller's rows (the 3PL operator's check),
                not only this view's seller.
        """
        engine = self._reader
        if all_sellers:
            engine = scoped(engine, ALL_SELLERS)
        if self.engine.dialect.name == "postgresql":
            engine = engine.execution_options(isolation_level="REPEATABLE READ")
        with engine.begin() as conn:
            return check_on(conn, None if all_sellers else self.seller)

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
                conn, self.seller, sku=sku, node=node, reference=reference, limit=limit
            )

    def movement_rows(self, sku: str | None = None) -> list[tuple[object, ...]]:
        """Return this seller's journal (one SKU's if named), oldest first.

        Rows are ``JOURNAL_COLUMNS``.
        """
        with self._reader.connect() as conn:
            return movement_rows_on(conn, self.seller, sku)

    def last_movement_at(self) -> datetime | None:
        """Return when this seller's latest movement happened (None: no journal)."""
        with self._reader.connect() as conn:
            return last_movement_at_on(conn, self.seller)

    # -- dead letters -----------------------------------------------------
    def dead_letter(self, letters: Iterable[DeadLetter]) -> int:
        """Store rejected records; return how many."""
        with self._write_lock, self.engine.begin() as conn:
            return record_dead_letters_on(conn, self.seller, letters)

    def dead_letters(self, kind: str | None = None) -> list[DeadLetter]:
        """Return unresolved dead letters, optionally of one kind."""
        return [d.letter for d in self.stored_dead_letters(kind)]

    def stored_dead_letters(
        self, kind: str | None = None, limit: int | None = None
    ) -> list[StoredDeadLetter]:
        """Return unresolved dead letters with their ids, oldest first."""
        with self._reader.connect() as conn:
            return list_dead_letters_on(conn, self.seller, kind, limit)

    def stored_dead_letter(self, letter_id: int) -> StoredDeadLetter:
        """Return one unresolved dead letter; raise UnknownReference otherwise."""
        with self._reader.connect() as conn:
            found = get_dead_letter_on(conn, self.seller, letter_id)
        if found is None:
            raise UnknownReference(
                "no unresolved dead letter",
                record="dead letter",
                field="id",
                value=letter_id,
            )
        return found

    def resolve_dead_letter(self, letter_id: int) -> bool:
        """Mark a dead letter re-driven; return False when none was open."""
        with self._write_lock, self.engine.begin() as conn:
            return resolve_dead_letter_on(conn, self.seller, letter_id)

    # -- plans ------------------------------------------------------------
    def save_plan_row(self, row: dict[str, object]) -> bool:
        """Store a plan row (see ``plan_tables.plans``); False when its id exists."""
        with self._write_lock, self.engine.begin() as conn:
            return insert_plan_on(conn, self.seller, row)

    def plan_row(self, plan_id: str) -> dict[str, object] | None:
        """Return this seller's stored plan row, or None."""
        with self._reader.connect() as conn:
            return get_plan_on(conn, self.seller, plan_id)

    def apply_plan(self, plan_id: str, movements: Sequence[Movement]) -> PlanApplied:
        """Post a plan's movements and mark it applied, in ONE transaction.

        A movement refused (shortage, unknown SKU) is rolled back alone (a
        savepoint) and reported; the others and the plan's status commit
        together, so a crash never leaves a plan half applied. A plan applies
        once: on an applied plan nothing is posted.

        Raises:
            UnknownReference: no plan of this seller has this id.
        """
        nodes = self.catalog.nodes

        def _once() -> PlanApplied:
            with self._write_lock, self.engine.begin() as conn:
                return apply_plan_on(conn, self.seller, plan_id, movements, nodes)

        return retrying(_once)
