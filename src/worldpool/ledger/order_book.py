"""Persist routed orders and their reservations, one transaction per change.

The orders capability decides (pure routing); this module writes: the order
row and every reserve/release/ship movement of one change commit together or
not at all. Reservations are journal movements whose ``reference`` is the order
key, so the net units an order holds are summed from the journal itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    case,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import LedgerError
from worldpool.ledger.db import reader
from worldpool.ledger.effects import validate
from worldpool.ledger.journal import post_on
from worldpool.ledger.order_tables import orders
from worldpool.ledger.tables import balances, movements

__all__ = ["Change", "ConcurrentChange", "Decide", "OrderBook", "OrderRow", "Stock"]

_RETRY_SQLSTATES = frozenset({"40001", "40P01"})


class ConcurrentChange(LedgerError):
    """Another writer changed the same order first; re-read and try again."""


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One stored order, as the ledger keeps it (JSON kept as text)."""

    channel: str
    """Channel id."""
    channel_order_id: str
    """The channel's order id."""
    market: str
    """Marketplace id it ships to."""
    status: str
    """``open``, ``cancelled`` or ``shipped``."""
    revision: int
    """1 for the first version, +1 per accepted edit or state change."""
    payload_hash: str
    """Digest of the normalised order (detects re-deliveries vs edits)."""
    currency: str
    """ISO 4217 code of the order."""
    order_value: Decimal
    """Order value in ``currency``."""
    backordered: int
    """Units no node could reserve."""
    payload: str
    """The normalised order, JSON."""
    decision: str
    """The routing decision with its ``why``, JSON."""
    created_at: datetime | None = None
    """When first stored (UTC)."""
    updated_at: datetime | None = None
    """When last changed (UTC)."""

    @property
    def key(self) -> str:
        """``channel:channel_order_id``."""
        return f"{self.channel}:{self.channel_order_id}"


def _row(r: Any) -> OrderRow:
    return OrderRow(
        r.channel,
        r.channel_order_id,
        r.market,
        r.status,
        r.revision,
        r.payload_hash,
        r.currency,
        Decimal(r.order_value),
        r.backordered,
        r.payload,
        r.decision,
        r.created_at,
        r.updated_at,
    )


@dataclass(frozen=True, slots=True)
class Change:
    """What to write for one order: its new row and its movements."""

    row: OrderRow
    """The order's new state."""
    moves: Sequence[Movement] = ()
    """Release, reserve or ship movements of this change."""


Stock = dict[tuple[str, str], int]
Decide = Callable[
    [OrderRow | None, Callable[[], Stock], Callable[[], Stock]], Change | None
]
"""``decide(stored, available, held) -> Change | None`` (:meth:`OrderBook.change`)."""


# Statements are built once, values go in as parameters: building them per call
# costs more than running them (the ledger's journal makes the same choice).
_FIND = select(orders).where(
    and_(
        orders.c.channel == bindparam("f_channel"),
        orders.c.channel_order_id == bindparam("f_id"),
    )
)
_AVAILABLE = select(
    balances.c.sku, balances.c.node, balances.c.on_hand - balances.c.reserved
).where(balances.c.sku.in_(bindparam("a_skus", expanding=True)))
_INSERT = orders.insert()


def _find_on(conn: Connection, channel: str, channel_order_id: str) -> OrderRow | None:
    params = {"f_channel": channel, "f_id": channel_order_id}
    r = conn.execute(_FIND, params).one_or_none()
    return None if r is None else _row(r)


def _available_on(conn: Connection, skus: Iterable[str]) -> Stock:
    rows = conn.execute(_AVAILABLE, {"a_skus": sorted(set(skus))})
    return {(r[0], r[1]): int(r[2]) for r in rows}


def _signed() -> Any:
    m = movements.c
    return case(
        (m.kind == MovementKind.RESERVE.value, m.qty),
        (m.kind.in_((MovementKind.RELEASE.value, MovementKind.SHIP.value)), -m.qty),
        else_=0,
    )


def _held_on(conn: Connection, reference: str) -> Stock:
    m = movements.c
    stmt = (
        select(m.sku, m.node, func.sum(_signed()))
        .where(m.reference == reference)
        .group_by(m.sku, m.node)
    )
    rows = conn.execute(stmt).all()
    return {(r[0], r[1]): int(r[2]) for r in rows if r[2] and int(r[2]) > 0}


class OrderBook:
    """Orders and their reservations in the ledger database.

    Args:
        engine: The ledger's engine.
        nodes: Known node ids (movements are validated against them).
    """

    def __init__(self, engine: Engine, nodes: Iterable[str]) -> None:
        self.engine = engine
        self._reader = reader(engine)
        self._nodes = frozenset(nodes)

    def find(self, channel: str, channel_order_id: str) -> OrderRow | None:
        """Return the stored order, or None."""
        with self._reader.connect() as conn:
            return _find_on(conn, channel, channel_order_id)

    def page(
        self,
        status: str | None = None,
        channel: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[OrderRow]:
        """Return stored orders, newest first, optionally filtered."""
        stmt = select(orders).order_by(orders.c.id.desc()).limit(limit).offset(offset)
        if status is not None:
            stmt = stmt.where(orders.c.status == status)
        if channel is not None:
            stmt = stmt.where(orders.c.channel == channel)
        with self._reader.connect() as conn:
            return [_row(r) for r in conn.execute(stmt)]

    def available(self, skus: Iterable[str]) -> dict[tuple[str, str], int]:
        """Return available units (on hand - reserved) by (SKU, node)."""
        with self._reader.connect() as conn:
            return _available_on(conn, skus)

    def held(self, reference: str) -> dict[tuple[str, str], int]:
        """Return units still reserved for ``reference`` by (SKU, node), net > 0."""
        with self._reader.connect() as conn:
            return _held_on(conn, reference)

    def reservations(self, sku: str | None = None) -> list[tuple[str, str, str, int]]:
        """Return (reference, SKU, node, units) of every open reservation."""
        m = movements.c
        total = func.sum(_signed())
        stmt = (
            select(m.reference, m.sku, m.node, total)
            .where(m.kind.in_(("reserve", "release", "ship")))
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
        """Read the order and stock, let ``decide`` act, write it: one transaction.

        ``decide(stored, available, held)`` gets the stored row (or None) and two
        loaders that read, inside the same transaction, the available units of
        ``skus`` and the units the order holds. It returns the change to write,
        or None to write nothing. Movements are posted in (SKU, node) order so
        concurrent transactions lock balance rows in the same order.

        Returns:
            The order's row after the call (the stored one when nothing changed).

        Raises:
            InsufficientStock: a reservation no longer fits (nothing written).
            ConcurrentChange: the order changed (or appeared) meanwhile.
        """
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    stored = _find_on(conn, channel, channel_order_id)
                    change = decide(
                        stored,
                        lambda: _available_on(conn, skus),
                        lambda: _held_on(conn, f"{channel}:{channel_order_id}"),
                    )
                    if change is None:
                        return stored
                    self._apply(conn, change, stored)
                    return change.row
            except IntegrityError as exc:
                raise ConcurrentChange(
                    f"order {channel}:{channel_order_id} was stored meanwhile"
                ) from exc
            except OperationalError as exc:
                code = getattr(exc.orig, "sqlstate", None)
                if code not in _RETRY_SQLSTATES or attempt == 4:
                    raise
                time.sleep(0.005 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def _apply(self, conn: Connection, change: Change, stored: OrderRow | None) -> None:
        for m in change.moves:
            validate(m, self._nodes)
        self._write(conn, change.row, stored.revision if stored else None)
        for m in sorted(change.moves, key=lambda m: (m.sku, m.node, m.kind.value)):
            post_on(conn, m)

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
                _INSERT,
                {
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
                    orders.c.channel == row.channel,
                    orders.c.channel_order_id == row.channel_order_id,
                    orders.c.revision == expected_revision,
                )
            )
            .values(**values)
        )
        if done.rowcount != 1:
            raise ConcurrentChange(f"order {row.key} changed meanwhile")
