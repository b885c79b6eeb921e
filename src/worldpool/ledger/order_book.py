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

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import partial

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
from worldpool.ledger.db import reader
from worldpool.ledger.effects import validate
from worldpool.ledger.journal import post_on
from worldpool.ledger.order_records import (
    Change,
    ConcurrentChange,
    Decide,
    OrderRow,
    Stock,
    order_row,
)
from worldpool.ledger.order_tables import orders
from worldpool.ledger.sellers import scoped
from worldpool.ledger.tables import DEFAULT_SELLER, movements

__all__ = ["Change", "ConcurrentChange", "Decide", "OrderBook", "OrderRow", "Stock"]


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
            self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

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

    def change(
        self,
        channel: str,
        channel_order_id: str,
        skus: Sequence[str],
        decide: Decide,
    ) -> OrderRow | None:
        """Read the order and stock, let ``decide`` act, write it atomically.

        The write is one transaction (on PostgreSQL usually one statement after
        an autocommit read; see the module docstring).
        ``decide(stored, available, held)`` gets the stored row (or None) and two
        loaders that read, on the same connection, the available units of
        ``skus`` and the units the order holds (the available units are read
        with the order, in the same query; each call returns a fresh copy).
        It returns the change to write, or None to write nothing. Movements are
        posted in (SKU, node) order so concurrent transactions lock balance rows
        in the same order.

        One attempt: the caller retries with :func:`worldpool.ledger.retry.retrying`
        (transient database errors, and :class:`ConcurrentChange` or a shortage
        after re-deciding), so there is one retry policy.

        Returns:
            The order's row after the call (the stored one when nothing changed).

        Raises:
            InsufficientStock: a reservation no longer fits (nothing written).
            ConcurrentChange: the order changed (or appeared) meanwhile.
        """
        try:
            if self._autocommit is not None:
                done, row = self._change_in_one(channel, channel_order_id, skus, decide)
                if done:
                    return row
            with self.engine.begin() as conn:
                stored, stock = find_with_stock_on(
                    conn, self.seller, channel, channel_order_id, skus
                )
                change = decide(
                    stored,
                    partial(dict, stock),
                    lambda: held_on(conn, self.seller, f"{channel}:{channel_order_id}"),
                )
                if change is None:
                    return stored
                self._apply(conn, change, stored)
                return change.row
        except IntegrityError as exc:
            raise ConcurrentChange(
                f"order {channel}:{channel_order_id} was stored meanwhile"
            ) from exc

    def _change_in_one(
        self,
        channel: str,
        channel_order_id: str,
        skus: Sequence[str],
        decide: Decide,
    ) -> tuple[bool, OrderRow | None]:
        """PostgreSQL: read in autocommit, write the change with one statement.

        Returns ``(True, row)`` when done, ``(False, None)`` when the change
        must be made the general way (nothing was written then).
        """
        assert self._autocommit is not None
        with self._autocommit.connect() as conn:
            stored, stock = find_with_stock_on(
                conn, self.seller, channel, channel_order_id, skus
            )
            change = decide(
                stored,
                partial(dict, stock),
                lambda: held_on(conn, self.seller, f"{channel}:{channel_order_id}"),
            )
            if change is None:
                return True, stored
            for m in change.moves:
                validate(m, self._nodes)
            ordered = sorted(change.moves, key=lambda m: (m.sku, m.node, m.kind.value))
            change = Change(change.row, ordered)
            params = write_params(self.seller, change, stored)
            if params is None:
                return False, None
            stmt = write_statement(stored is not None, len(ordered))
            try:
                counts = conn.execute(stmt, params).one()
            except IntegrityError as exc:
                if order_exists_error(exc):
                    raise ConcurrentChange(
                        f"order {channel}:{channel_order_id} was stored meanwhile"
                    ) from exc
                return False, None
        if counts[0] != 1:
            raise ConcurrentChange(f"order {change.row.key} changed meanwhile")
        return True, change.row

    def _apply(self, conn: Connection, change: Change, stored: OrderRow | None) -> None:
        for m in change.moves:
            validate(m, self._nodes)
        self._write(conn, change.row, stored.revision if stored else None)
        for m in sorted(change.moves, key=lambda m: (m.sku, m.node, m.kind.value)):
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
