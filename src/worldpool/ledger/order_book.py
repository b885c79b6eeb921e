"""Persist routed orders and their reservations, one atomic write per change.

The orders capability decides (pure routing); this module writes: the order
row and every reserve/release/ship movement of one change commit together or
not at all. Reservations are journal movements whose ``reference`` is the order
key, so the net units an order holds are summed from the journal itself.

On PostgreSQL a change is usually two round trips instead of one transaction of
five or more: the order and stock are read in autocommit, and the whole change
is written by one statement (:func:`_write_statement`), which is atomic and
durable on its own (``synchronous_commit`` applies to it like to a COMMIT).
Every balance update in it keeps the guard, and the journal row takes its
``qty`` from the update's ``RETURNING``, so a guard that fails leaves a NULL in
a NOT NULL column and the statement, with the order row, is rolled back. The
order row is written under the same revision check as before. Whenever that
statement fails for any reason but a concurrent first write of the order, the
change is done again the general way, in a transaction, which raises the
precise error (shortage, duplicate key) or succeeds on the fresh state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, and_, func, select, update
from sqlalchemy.exc import IntegrityError

from worldpool.ledger._order_sql import (
    INSERT_ORDER,
    available_on,
    find_on,
    find_with_stock_on,
    held_on,
    order_exists_error,
    signed_units,
    write_params,
    write_statement,
)
from worldpool.ledger.db import reader, with_options
from worldpool.ledger.effects import validate
from worldpool.ledger.journal import post_on
from worldpool.ledger.order_records import (
    Change,
    ConcurrentChange,
    OrderRow,
    Stock,
    order_row,
)
from worldpool.ledger.order_tables import orders
from worldpool.ledger.sellers import scoped
from worldpool.ledger.tables import DEFAULT_SELLER, movements

__all__ = [
    "Change",
    "ConcurrentChange",
    "OrderBook",
    "OrderRow",
    "OrderUnit",
    "Stock",
]


class OrderBook:
    """Orders and their reservations in the ledger database.

    Args:
        engine: The ledger's engine.
        nodes: Known node ids (movements are validated against them).
        seller: The seller whose orders this book reads and writes.
    """

    def __init__(
        self, engine: Engine, nodes: Iterable[str], *, seller: str = DEFAULT_SELLER
    ) -> None:
        self.seller = seller
        engine = scoped(engine, seller)
        self.engine = engine
        self._reader = reader(engine)
        self._nodes = frozenset(nodes)
        self._autocommit: Engine | None = None
        if engine.dialect.name == "postgresql":
            self._autocommit = with_options(engine, isolation_level="AUTOCOMMIT")

    def find(self, channel: str, channel_order_id: str) -> OrderRow | None:
        """Return the stored order, or None."""
        with self._reader.connect() as conn:
            return find_on(conn, self.seller, channel, channel_order_id)

    def page(
        self,
        status: str | None = None,
        channel: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[OrderRow]:
        """Return stored orders, newest first, optionally filtered."""
        stmt = (
            select(orders)
            .where(orders.c.seller == self.seller)
            .order_by(orders.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if status is not None:
            stmt = stmt.where(orders.c.status == status)
        if channel is not None:
            stmt = stmt.where(orders.c.channel == channel)
        with self._reader.connect() as conn:
            return [order_row(r) for r in conn.execute(stmt)]

    def available(self, skus: Iterable[str]) -> dict[tuple[str, str], int]:
        """Return available units (on hand - reserved) by (SKU, node)."""
        with self._reader.connect() as conn:
            return available_on(conn, self.seller, skus)

    def held(self, reference: str) -> dict[tuple[str, str], int]:
        """Return units still reserved for ``reference`` by (SKU, node), net > 0."""
        with self._reader.connect() as conn:
            return held_on(conn, self.seller, reference)

    def reservations(self, sku: str | None = None) -> list[tuple[str, str, str, int]]:
        """Return (reference, SKU, node, units) of every open reservation."""
        m = movements.c
        total = func.sum(signed_units())
        stmt = (
            select(m.reference, m.sku, m.node, total)
            .where(m.seller == self.seller, m.kind.in_(("reserve", "release", "ship")))
            .group_by(m.reference, m.sku, m.node)
            .having(total > 0)
            .order_by(m.reference, m.sku, m.node)
        )
        if sku is not None:
            stmt = stmt.where(m.sku == sku)
        with self._reader.connect() as conn:
            return [(r[0], r[1], r[2], int(r[3])) for r in conn.execute(stmt)]

    @contextmanager
    def unit(self) -> Iterator[OrderUnit]:
        """Open one unit of work: read, then (after the caller decides) write.

        On SQLite it is one ``BEGIN IMMEDIATE`` transaction around the reads and
        the write. On PostgreSQL the reads run in autocommit and the write is
        usually one statement (see the module docstring): two round trips.
        Either way the write re-checks the order's revision and every stock
        guard, so a decision made on stale reads fails instead of overselling.
        One attempt: callers retry with :func:`worldpool.ledger.retry.retrying`,
        reading and deciding again.
        """
        try:
            if self._autocommit is not None:
                with self._autocommit.connect() as conn:
                    yield OrderUnit(self, conn)
            else:
                with self.engine.begin() as conn:
                    yield OrderUnit(self, conn)
        except IntegrityError as exc:
            raise ConcurrentChange("the order was stored meanwhile") from exc

    def _write_in_one(
        self, conn: Connection, change: Change, stored: OrderRow | None
    ) -> bool:
        """PostgreSQL: write the change with one statement; False if it can't.

        False means nothing was written and the general way must be taken
        (it raises the precise error, or succeeds on the fresh state).
        """
        params = write_params(self.seller, change, stored)
        if params is None:
            return False
        stmt = write_statement(stored is not None, len(change.moves))
        try:
            counts = conn.execute(stmt, params).one()
        except IntegrityError as exc:
            if order_exists_error(exc):
                raise
            return False
        if counts[0] != 1:
            raise ConcurrentChange(f"order {change.row.key} changed meanwhile")
        return True

    def _apply(self, conn: Connection, change: Change, stored: OrderRow | None) -> None:
        self._write(conn, change.row, stored.revision if stored else None)
        for m in change.moves:
            post_on(conn, m, seller=self.seller)

    def _write(
        self, conn: Connection, row: OrderRow, expected_revision: int | None
    ) -> None:
        now = datetime.now(UTC)
        values = {
            "market": row.market,
            "status": row.status,
            "revision": row.revision,
            "payload_hash": row.payload_hash,
            "currency": row.currency,
            "order_value": row.order_value,
            "backordered": row.backordered,
            "payload": row.payload,
            "decision": row.decision,
            "updated_at": now,
        }
        if expected_revision is None:
            conn.execute(
                INSERT_ORDER,
                {
                    "seller": self.seller,
                    "channel": row.channel,
                    "channel_order_id": row.channel_order_id,
                    "created_at": now,
                    **values,
                },
            )
            return
        done = conn.execute(
            update(orders)
            .where(
                and_(
                    orders.c.seller == self.seller,
                    orders.c.channel == row.channel,
                    orders.c.channel_order_id == row.channel_order_id,
                    orders.c.revision == expected_revision,
                )
            )
            .values(**values)
        )
        if done.rowcount != 1:
            raise ConcurrentChange(f"order {row.key} changed meanwhile")


class OrderUnit:
    """One read-decide-write of one order (see :meth:`OrderBook.unit`)."""

    def __init__(self, book: OrderBook, conn: Connection) -> None:
        self._book = book
        self._conn = conn

    def read(
        self, channel: str, channel_order_id: str, skus: Sequence[str]
    ) -> tuple[OrderRow | None, Stock]:
        """Return the stored order (or None) and the available units of ``skus``."""
        seller = self._book.seller
        return find_with_stock_on(self._conn, seller, channel, channel_order_id, skus)

    def held(self, reference: str) -> Stock:
        """Return units still reserved for ``reference`` by (SKU, node), net > 0."""
        return held_on(self._conn, self._book.seller, reference)

    def write(self, change: Change, stored: OrderRow | None) -> OrderRow:
        """Write ``change`` atomically if the order is still ``stored``.

        The order row is inserted (``stored`` None) or updated under a check
        that its revision is still ``stored.revision``, and every movement is
        posted with its stock guard, all or nothing, in (SKU, node) order so
        concurrent writers lock balance rows in the same order.

        Returns:
            The order's new row.

        Raises:
            InsufficientStock: a reservation no longer fits (nothing written).
            ConcurrentChange: the order changed (or appeared) meanwhile.
        """
        book = self._book
        for m in change.moves:
            validate(m, book._nodes)
        ordered = sorted(change.moves, key=lambda m: (m.sku, m.node, m.kind.value))
        change = Change(change.row, ordered)
        if book._autocommit is None:
            book._apply(self._conn, change, stored)
        elif not book._write_in_one(self._conn, change, stored):
            with book.engine.begin() as conn:
                book._apply(conn, change, stored)
        return change.row
