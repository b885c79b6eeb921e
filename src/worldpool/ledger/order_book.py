"""Persist routed orders and their reservations, one transaction per change.

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

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache, partial
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError, OperationalError

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import LedgerError
from worldpool.ledger.db import reader
from worldpool.ledger.effects import effects, validate
from worldpool.ledger.journal import MOVEMENT_COLUMNS, movement_row, post_on
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
_STOCK = select(
    balances.c.sku.label("s_sku"),
    balances.c.node.label("s_node"),
    (balances.c.on_hand - balances.c.reserved).label("s_available"),
).where(balances.c.sku.in_(bindparam("a_skus", expanding=True)))
# The order (or NULLs) next to each balance row of the SKUs, in one round trip:
# ``(SELECT 1) LEFT JOIN orders ON key LEFT JOIN stock ON true`` always yields
# at least one row, with NULL order columns when the order is new.
_ANCHOR = select(literal(1).label("anchor")).subquery("anchor")
_STOCK_SUB = _STOCK.subquery("stock")
_FIND_WITH_STOCK = select(orders, _STOCK_SUB).select_from(
    _ANCHOR.outerjoin(
        orders,
        and_(
            orders.c.channel == bindparam("f_channel"),
            orders.c.channel_order_id == bindparam("f_id"),
        ),
    ).outerjoin(_STOCK_SUB, true())
)


def _find_on(conn: Connection, channel: str, channel_order_id: str) -> OrderRow | None:
    params = {"f_channel": channel, "f_id": channel_order_id}
    r = conn.execute(_FIND, params).one_or_none()
    return None if r is None else _row(r)


_ORDER_VALUES = (
    "market",
    "status",
    "revision",
    "payload_hash",
    "currency",
    "order_value",
    "backordered",
    "payload",
    "decision",
    "updated_at",
)


@cache
def _write_statement(is_update: bool, n_moves: int) -> Any:
    """Return the one PostgreSQL statement writing an order and ``n_moves`` moves.

    ``WITH ord AS (INSERT order | UPDATE order WHERE revision = expected
    RETURNING id), b0 AS (UPDATE balances ... WHERE guard AND EXISTS (SELECT
    FROM ord) RETURNING 1), m0 AS (INSERT INTO movements SELECT ..., (SELECT
    qty FROM b0), ... WHERE EXISTS (SELECT FROM ord) RETURNING id), b1 ...
    SELECT (SELECT count(*) FROM ord), (SELECT count(*) FROM m0), ...``.

    Parameters: ``o_<column>`` for the order (``o_expected`` the stored
    revision), ``m<i>_<column>`` for movement ``i`` and ``b<i>_d_oh``,
    ``b<i>_d_rs``, ``b<i>_d_it``, ``b<i>_node`` for its balance effect.
    """
    o = orders.c
    if is_update:
        ord_stmt: Any = (
            update(orders)
            .where(
                and_(
                    o.channel == bindparam("o_channel"),
                    o.channel_order_id == bindparam("o_channel_order_id"),
                    o.revision == bindparam("o_expected", type_=Integer()),
                )
            )
            .values({c: bindparam(f"o_{c}", type_=o[c].type) for c in _ORDER_VALUES})
        )
    else:
        cols = ("channel", "channel_order_id", "created_at", *_ORDER_VALUES)
        ord_stmt = postgresql.insert(orders).values(
            {c: bindparam(f"o_{c}", type_=o[c].type) for c in cols}
        )
    ord_cte = ord_stmt.returning(o.id).cte("ord")
    written = exists(select(ord_cte.c.id))
    counts: list[Any] = [select(func.count()).select_from(ord_cte).scalar_subquery()]
    b = balances.c
    for i in range(n_moves):
        d_oh = bindparam(f"b{i}_d_oh", type_=Integer())
        d_rs = bindparam(f"b{i}_d_rs", type_=Integer())
        d_it = bindparam(f"b{i}_d_it", type_=Integer())
        mv = {
            c: bindparam(f"m{i}_{c}", type_=movements.c[c].type)
            for c in MOVEMENT_COLUMNS
        }
        bal = (
            update(balances)
            .where(
                and_(
                    b.sku == mv["sku"],
                    b.node == bindparam(f"b{i}_node", type_=b.node.type),
                    (b.on_hand + d_oh) - (b.reserved + d_rs) >= 0,
                    b.reserved + d_rs >= 0,
                    b.in_transit + d_it >= 0,
                    written,
                )
            )
            .values(
                on_hand=b.on_hand + d_oh,
                reserved=b.reserved + d_rs,
                in_transit=b.in_transit + d_it,
            )
            .returning(literal(1).label("hit"))
            .cte(f"b{i}")
        )
        # NULL (and so a NOT NULL violation) unless the guarded update hit.
        qty = select(mv["qty"]).select_from(bal).scalar_subquery()
        row = select(*(qty if c == "qty" else mv[c] for c in MOVEMENT_COLUMNS))
        move = (
            postgresql.insert(movements)
            .from_select(list(MOVEMENT_COLUMNS), row.where(written))
            .returning(movements.c.id)
            .cte(f"m{i}")
        )
        counts.append(select(func.count()).select_from(move).scalar_subquery())
    return select(*counts)


def _write_params(change: Change, stored: OrderRow | None) -> dict[str, Any] | None:
    """Return the parameters of :func:`_write_statement`, or None when it can't.

    Only movements with one balance effect that the guard checks (reserve,
    release, ship), each on its own (SKU, node), go through the one statement.
    """
    now = datetime.now(UTC)
    r = change.row
    params: dict[str, Any] = {
        "o_channel": r.channel,
        "o_channel_order_id": r.channel_order_id,
        "o_market": r.market,
        "o_status": r.status,
        "o_revision": r.revision,
        "o_payload_hash": r.payload_hash,
        "o_currency": r.currency,
        "o_order_value": r.order_value,
        "o_backordered": r.backordered,
        "o_payload": r.payload,
        "o_decision": r.decision,
        "o_updated_at": now,
    }
    if stored is None:
        params["o_created_at"] = now
    else:
        params["o_expected"] = stored.revision
    seen: set[tuple[str, str]] = set()
    for i, m in enumerate(change.moves):
        changes = effects(m)
        if len(changes) != 1 or changes[0].only_adds:
            return None
        e = changes[0]
        if (m.sku, e.node) in seen:
            return None
        seen.add((m.sku, e.node))
        params.update({f"m{i}_{c}": v for c, v in movement_row(m, now).items()})
        params[f"b{i}_node"] = e.node
        params[f"b{i}_d_oh"] = e.on_hand
        params[f"b{i}_d_rs"] = e.reserved
        params[f"b{i}_d_it"] = e.in_transit
    return params


def _order_exists_error(exc: IntegrityError) -> bool:
    """True when ``exc`` is the orders unique key (the order was stored first)."""
    diag = getattr(exc.orig, "diag", None)
    return getattr(diag, "constraint_name", None) == "uq_orders_channel"


def _find_with_stock_on(
    conn: Connection, channel: str, channel_order_id: str, skus: Sequence[str]
) -> tuple[OrderRow | None, Stock]:
    """Return the stored order and the available units of ``skus``: one query."""
    if not skus:
        return _find_on(conn, channel, channel_order_id), {}
    params = {
        "f_channel": channel,
        "f_id": channel_order_id,
        "a_skus": sorted(set(skus)),
    }
    rows = conn.execute(_FIND_WITH_STOCK, params).all()
    first = rows[0]
    stored = None if first.channel is None else _row(first)
    stock = {
        (r.s_sku, r.s_node): int(r.s_available) for r in rows if r.s_sku is not None
    }
    return stored, stock


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
        self._autocommit: Engine | None = None
        if engine.dialect.name == "postgresql":
            self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

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

        Returns:
            The order's row after the call (the stored one when nothing changed).

        Raises:
            InsufficientStock: a reservation no longer fits (nothing written).
            ConcurrentChange: the order changed (or appeared) meanwhile.
        """
        for attempt in range(5):
            try:
                if self._autocommit is not None:
                    done, row = self._change_in_one(
                        channel, channel_order_id, skus, decide
                    )
                    if done:
                        return row
                with self.engine.begin() as conn:
                    stored, stock = _find_with_stock_on(
                        conn, channel, channel_order_id, skus
                    )
                    change = decide(
                        stored,
                        partial(dict, stock),
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
                # A dropped connection is safe to retry: the stored order is read
                # again and an already-applied change decides to do nothing.
                code = getattr(exc.orig, "sqlstate", None)
                retry = exc.connection_invalidated or code in _RETRY_SQLSTATES
                if not retry or attempt == 4:
                    raise
                time.sleep(0.005 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

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
            stored, stock = _find_with_stock_on(conn, channel, channel_order_id, skus)
            change = decide(
                stored,
                partial(dict, stock),
                lambda: _held_on(conn, f"{channel}:{channel_order_id}"),
            )
            if change is None:
                return True, stored
            for m in change.moves:
                validate(m, self._nodes)
            ordered = sorted(change.moves, key=lambda m: (m.sku, m.node, m.kind.value))
            change = Change(change.row, ordered)
            params = _write_params(change, stored)
            if params is None:
                return False, None
            stmt = _write_statement(stored is not None, len(ordered))
            try:
                counts = conn.execute(stmt, params).one()
            except IntegrityError as exc:
                if _order_exists_error(exc):
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
