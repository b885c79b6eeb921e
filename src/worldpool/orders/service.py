"""Intake -> route -> reserve, each order in one ledger transaction.

The only module of ``worldpool.orders`` that touches the ledger. Policy:

* the same (channel, order id) with the same content changes nothing;
* different content before shipment is an edit: its reservations are released
  and the order is routed again, in one transaction;
* a cancellation releases every unit the order holds;
* after shipment (or cancellation) edits are refused with :class:`OrderLocked`;
* a bad record is kept with its reason in the dead-letter store.
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from worldpool.context import Context, ledger_of
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError, InsufficientStock, LedgerError, WorldpoolError
from worldpool.ledger import DeadLetter, Ledger, StoredDeadLetter, retrying
from worldpool.ledger.order_book import (
    Change,
    ConcurrentChange,
    OrderBook,
    OrderRow,
)
from worldpool.orders.channels import adapter
from worldpool.orders.codec import (
    order_from_dict,
    order_hash,
)
from worldpool.orders.decide import (
    OrderWrite,
    StoredOrder,
    decide_order,
    decide_ship,
    needs_held,
)
from worldpool.orders.errors import OrderLocked, OrderNotFound
from worldpool.orders.intake import validate_order
from worldpool.orders.order import Order, OrderStatus
from worldpool.orders.promise import Promise, promise
from worldpool.orders.rules import RoutingParams

__all__ = [
    "ImportReport",
    "OrderRow",
    "OrderService",
    "Outcome",
    "StoredDeadLetter",
    "cancel_order",
    "checkout_promise",
    "get_order",
    "import_orders",
    "list_orders",
    "order_dead_letters",
    "redrive",
    "reservations",
    "ship_order",
    "submit_order",
]

_SKU_TTL_S = 60.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What submitting one order did."""

    key: str
    """``channel:channel_order_id``."""
    action: str
    """``created``, ``updated``, ``cancelled``, ``shipped``, ``duplicate`` or
    ``unchanged``."""
    status: str
    """The order's status afterwards."""
    decision: dict[str, Any] | None = None
    """The routing decision (with ``why``), when the order was routed."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Outcome of importing one channel document."""

    outcomes: tuple[Outcome, ...] = ()
    """One per accepted order."""
    rejected: tuple[tuple[str, str, str | None], ...] = field(default_factory=tuple)
    """(record, error, field) of each order put in the dead-letter store."""

    def count(self, action: str) -> int:
        """Return how many orders ended with ``action``."""
        return sum(o.action == action for o in self.outcomes)


class OrderService:
    """Orders from every channel, routed from one pool.

    Args:
        ledger: The pool.
        params: Routing costs, promises and split policy.
    """

    def __init__(self, ledger: Ledger, params: RoutingParams | None = None) -> None:
        self.ledger = ledger
        self.params = params or RoutingParams()
        self.book = OrderBook(ledger.engine, ledger.catalog.nodes, seller=ledger.seller)
        self._skus: dict[str, tuple[float, SkuRecord]] = {}

    # -- intake -------------------------------------------------------------
    def import_document(self, channel: str, document: Any, source: str) -> ImportReport:
        """Import every order of a channel document; bad ones go to dead letters.

        Raises:
            InputError: when the document as a whole cannot be read.
        """
        ad = adapter(channel)
        outcomes: list[Outcome] = []
        letters: list[DeadLetter] = []
        for record in ad.split(document):
            try:
                outcomes.append(self.submit(ad.parse_order(record)))
            except (InputError, OrderLocked) as exc:
                letters.append(_letter(channel, source, record, exc))
        if letters:
            self.ledger.dead_letter(letters)
        return ImportReport(
            tuple(outcomes), tuple((d.source, d.error, d.field) for d in letters)
        )

    def submit(self, order: Order) -> Outcome:
        """Route and reserve ``order`` (or apply its edit or cancellation).

        Raises:
            InputError: the order is not routable (names the field).
            OrderLocked: an edit of a shipped or cancelled order.
        """
        skus = self._sku_records(ln.sku for ln in order.lines)
        market = validate_order(order, self.ledger.catalog, skus)
        digest = order_hash(order)

        def _attempt() -> Outcome:
            # Read, decide (pure), write under the revision and stock guards.
            with self.book.unit() as unit:
                row, available = unit.read(
                    order.channel, order.channel_order_id, list(skus)
                )
                stored = _stored(row)
                held = unit.held(order.key) if needs_held(digest, stored) else {}
                verdict = decide_order(
                    order,
                    market,
                    digest,
                    stored,
                    available,
                    held,
                    skus,
                    self.ledger.catalog,
                    self.params,
                )
                if verdict.write is not None:
                    unit.write(_change(order, verdict.write), row)
            return Outcome(order.key, verdict.action, verdict.status, verdict.decision)

        try:
            # Someone took the stock or stored the order first: read and decide again.
            return retrying(_attempt, also=(InsufficientStock, ConcurrentChange))
        except (InsufficientStock, ConcurrentChange) as exc:
            raise LedgerError(
                f"order {order.key}: too much contention, try again"
            ) from exc

    # -- state changes --------------------------------------------------------
    def cancel(self, channel: str, channel_order_id: str) -> Outcome:
        """Cancel a stored order and release what it holds."""
        stored = self.get(channel, channel_order_id)
        data = json.loads(stored.payload)
        data["cancelled"] = True
        return self.submit(order_from_dict(data))

    def ship(self, channel: str, channel_order_id: str) -> Outcome:
        """Mark an open order shipped: its reserved units leave the nodes."""
        key = f"{channel}:{channel_order_id}"

        def _attempt() -> OrderRow:
            with self.book.unit() as unit:
                row, _ = unit.read(channel, channel_order_id, [])
                held = unit.held(key) if row is not None else {}
                ship = decide_ship(key, _stored(row), held)
                assert row is not None  # decide_ship raised otherwise
                rev = ship.revision
                new = replace(row, status=OrderStatus.SHIPPED.value, revision=rev)
                return unit.write(Change(new, ship.moves), row)

        row = retrying(_attempt, also=(ConcurrentChange,))
        return Outcome(row.key, "shipped", row.status, json.loads(row.decision))

    # -- reads ----------------------------------------------------------------
    def get(self, channel: str, channel_order_id: str) -> OrderRow:
        """Return a stored order; raise OrderNotFound otherwise."""
        row = self.book.find(channel, channel_order_id)
        if row is None:
            raise OrderNotFound(
                "no such order",
                record="order",
                field="channel_order_id",
                value=f"{channel}:{channel_order_id}",
            )
        return row

    def list_orders(
        self, status: str | None = None, channel: str | None = None, limit: int = 100
    ) -> list[OrderRow]:
        """Return stored orders, newest first."""
        return self.book.page(status, channel, limit)

    def promise(self, sku: str, market: str) -> Promise:
        """Return the checkout promise for one unit of ``sku`` in ``market``."""
        skus = self._sku_records([sku])
        if sku not in skus:
            self.ledger.sku(sku)  # raises UnknownReference naming the SKU
        view = self.book.available([sku])
        today = datetime.now(UTC).date()
        return promise(sku, market, view, skus, self.ledger.catalog, today, self.params)

    # -- dead letters -----------------------------------------------------------
    def dead_letters(self, limit: int = 100) -> list[StoredDeadLetter]:
        """Return unresolved order dead letters with their ids."""
        return self.ledger.stored_dead_letters("order", limit)

    def redrive(self, letter_id: int) -> Outcome:
        """Parse and submit a dead letter again; resolve it when it goes through.

        Raises:
            InputError: the record is still bad (the letter stays listed).
        """
        stored = self.ledger.stored_dead_letter(letter_id)
        channel = stored.letter.payload["channel"]
        raw = stored.letter.payload["record"]
        ad = adapter(channel)
        record = raw if ad.FORMAT == "csv" and raw.lstrip()[:1] not in "[{" else None
        record = json.loads(raw) if record is None else record
        outcome = self.submit(ad.parse_order(record))
        self.ledger.resolve_dead_letter(letter_id)
        return outcome

    def _sku_records(self, ids: Iterable[str]) -> dict[str, SkuRecord]:
        now = time.monotonic()
        out: dict[str, SkuRecord] = {}
        for sku in ids:
            hit = self._skus.get(sku)
            if hit is None or now - hit[0] > _SKU_TTL_S:
                try:
                    hit = (now, self.ledger.sku(sku))
                except WorldpoolError:
                    continue  # validate_order names the unknown SKU
                self._skus[sku] = hit
            out[sku] = hit[1]
        return out


def _stored(row: OrderRow | None) -> StoredOrder | None:
    if row is None:
        return None
    return StoredOrder(
        row.key, row.status, row.revision, row.payload_hash, row.decision
    )


def _change(order: Order, w: OrderWrite) -> Change:
    row = OrderRow(
        order.channel,
        order.channel_order_id,
        w.market,
        w.status,
        w.revision,
        w.payload_hash,
        w.currency,
        w.order_value,
        w.backordered,
        w.payload,
        w.decision,
    )
    return Change(row, w.moves)


def _letter(channel: str, source: str, record: Any, exc: WorldpoolError) -> DeadLetter:
    raw = record if isinstance(record, str) else json.dumps(record, default=str)
    return DeadLetter(
        source=f"{source} ({channel})",
        kind="order",
        row=getattr(exc, "row", None),
        field=getattr(exc, "field", None),
        error=str(exc),
        payload={"channel": channel, "record": raw},
    )


# -- context-form service functions (what every interface calls) ----------------
_SERVICES: weakref.WeakKeyDictionary[Any, dict[str, OrderService]]
_SERVICES = weakref.WeakKeyDictionary()
_SERVICES_GUARD = threading.Lock()


def _service(ctx: Context, params: RoutingParams | None = None) -> OrderService:
    """Return the order service of ``ctx``'s engine and seller.

    With default routing parameters the service is kept per engine and seller
    (its SKU cache saves a query per order line); other parameters get a fresh one.
    """
    if params is not None:
        return OrderService(ledger_of(ctx), params)
    with _SERVICES_GUARD:
        per_engine = _SERVICES.setdefault(ctx.engine, {})
        svc = per_engine.get(ctx.seller)
        if svc is None:
            svc = per_engine[ctx.seller] = OrderService(ledger_of(ctx))
        return svc


def import_orders(
    ctx: Context,
    channel: str,
    document: Any,
    source: str,
    params: RoutingParams | None = None,
) -> ImportReport:
    """Import every order of a channel document (bad ones are dead-lettered).

    Args:
        ctx: The context (orders belong to its seller).
        channel: Channel id (``amazon``, ``shopify`` ...).
        document: The channel's reply (parsed JSON) or CSV text.
        source: Where it came from (file name, webhook), kept with dead letters.
        params: Routing costs, promises and split policy.
    """
    ctx.require("operator")
    return _service(ctx, params).import_document(channel, document, source)


def submit_order(
    ctx: Context, order: Order, params: RoutingParams | None = None
) -> Outcome:
    """Route and reserve one order (or apply its edit or cancellation)."""
    ctx.require("operator")
    return _service(ctx, params).submit(order)


def cancel_order(ctx: Context, channel: str, channel_order_id: str) -> Outcome:
    """Cancel a stored order and release every unit it holds."""
    ctx.require("operator")
    return _service(ctx).cancel(channel, channel_order_id)


def ship_order(ctx: Context, channel: str, channel_order_id: str) -> Outcome:
    """Mark an open order shipped: its reserved units leave the nodes."""
    ctx.require("operator")
    return _service(ctx).ship(channel, channel_order_id)


def get_order(ctx: Context, channel: str, channel_order_id: str) -> OrderRow:
    """Return one stored order of the context's seller (OrderNotFound otherwise)."""
    return _service(ctx).get(channel, channel_order_id)


def list_orders(
    ctx: Context,
    *,
    status: str | None = None,
    channel: str | None = None,
    limit: int = 100,
) -> list[OrderRow]:
    """Return stored orders, newest first."""
    return _service(ctx).list_orders(status, channel, limit)


def checkout_promise(ctx: Context, sku: str, market: str) -> Promise:
    """Return the checkout promise (days, cost, source) for one unit in ``market``."""
    return _service(ctx).promise(sku, market)


def order_dead_letters(ctx: Context, limit: int = 100) -> list[StoredDeadLetter]:
    """Return unresolved order dead letters with their ids."""
    return _service(ctx).dead_letters(limit)


def redrive(ctx: Context, letter_id: int) -> Outcome:
    """Submit a dead-lettered order again; resolve the letter when it goes through.

    Raises:
        InputError: the record is still bad, or the letter is not an order
            (only order dead letters can be re-driven; fix a file and import it).
    """
    ctx.require("operator")
    stored = ledger_of(ctx).stored_dead_letter(letter_id)
    if stored.letter.kind != "order" or "channel" not in stored.letter.payload:
        raise InputError(
            f"dead letter {letter_id} is a {stored.letter.kind!r} record; only "
            "orders can be re-driven (fix the file and import it again)",
            record="dead letter",
            field="kind",
            value=stored.letter.kind,
        )
    return _service(ctx).redrive(letter_id)


def reservations(
    ctx: Context, sku: str | None = None
) -> list[tuple[str, str, str, int]]:
    """Return open reservations as (order reference, SKU, node, units)."""
    return list(_service(ctx).book.reservations(sku))
