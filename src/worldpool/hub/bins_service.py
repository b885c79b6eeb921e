"""Bins service: the bin layout, put-away, bin-to-bin moves, bin stock and its check.

Put-away places units the node already holds (received through the journal)
into a bin; a move between bins writes two bin rows and no journal movement,
so a node's balance never changes; :func:`check_bins` confirms that no bin is
negative and that no SKU has more units in bins than on hand at the node.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from worldpool.audit import audit_on
from worldpool.context import Context, ledger_of
from worldpool.errors import InputError, UnknownReference
from worldpool.hub.bins import Bin, BinProblem, check_capacity, parse_bins
from worldpool.ledger import DeadLetter
from worldpool.ledger import hub_bins as q
from worldpool.ledger.sellers import ALL_SELLERS, scoped
from worldpool.ledger.skus import get_sku_on
from worldpool.textio import decode_text

__all__ = [
    "BinMove",
    "BinStock",
    "PutAway",
    "bin_stock",
    "check_bins",
    "import_bins",
    "list_bins",
    "move_bin",
    "put_away",
]


@dataclass(frozen=True, slots=True)
class PutAway:
    """Place units of a SKU already on hand at ``node`` into a bin."""

    node: str
    """Hub node."""
    sku: str
    """SKU id."""
    bin: str
    """Destination bin."""
    qty: int
    """Units (> 0)."""
    reference: str
    """ASN or receipt the units came with."""
    idempotency_key: str
    """The same key twice puts away once."""


@dataclass(frozen=True, slots=True)
class BinMove:
    """Move units of a SKU from one bin to another in the same node."""

    node: str
    """Hub node."""
    sku: str
    """SKU id."""
    from_bin: str
    """Source bin."""
    to_bin: str
    """Destination bin."""
    qty: int
    """Units (> 0)."""
    reference: str
    """Why (replenishment task, consolidation ...)."""
    idempotency_key: str
    """The same key twice moves once."""


@dataclass(frozen=True, slots=True)
class BinStock:
    """Units of one SKU in one bin."""

    bin: str
    """Bin id."""
    sku: str
    """SKU id."""
    units: int
    """Units."""


def import_bins(ctx: Context, path: Path) -> tuple[int, int, list[BinProblem]]:
    """Create or update bins from a CSV file; return (new, updated, rejected rows).

    Bad rows are dead-lettered (named by file, row and field); good rows are kept.
    """
    ctx.require("hub")
    text = decode_text(path.read_bytes(), str(path))
    good, bad = parse_bins(text, path.name, (h.id for h in ctx.catalog.hubs()))
    with scoped(ctx.engine, ctx.seller).begin() as conn:
        new, updated = q.upsert_bins_on(conn, [b.row() for b in good])
        audit_on(
            conn,
            ctx,
            "hub.bins.import",
            target=path.name,
            result={"new": new, "updated": updated, "rejected": len(bad)},
        )
    if bad:
        ledger_of(ctx).dead_letter(
            DeadLetter(path.name, "bin", p.row, p.field, p.message, {}) for p in bad
        )
    return new, updated, bad


def list_bins(ctx: Context, node: str) -> list[Bin]:
    """Return the bins of ``node`` in walking order (zone, aisle, shelf, position)."""
    ctx.require("viewer")
    with scoped(ctx.engine, ctx.seller).connect() as conn:
        return [_bin(r) for r in q.bins_on(conn, node)]


def _bin(row: dict[str, object]) -> Bin:
    return Bin(**{k: row[k] for k in Bin.__slots__})  # type: ignore[arg-type]


def _one_bin(conn: Connection, node: str, bin_id: str) -> Bin:
    rows = q.bins_on(conn, node, bin_id)
    if not rows:
        raise UnknownReference(
            "unknown bin", record=f"node {node}", field="bin", value=bin_id
        )
    return _bin(rows[0])


def _shared(ctx: Context) -> AbstractContextManager[Connection]:
    """Open a write transaction that sees every seller's bin stock.

    A bin's capacity is shared by the sellers, so the check needs all their
    rows; every query still names ``ctx.seller`` for the seller's own stock
    and every row written carries it.
    """
    return scoped(ctx.engine, ALL_SELLERS).begin()


def _check_qty(qty: int, record: str) -> None:
    if qty <= 0:
        raise InputError(
            "quantity must be positive", record=record, field="qty", value=qty
        )


def put_away(ctx: Context, req: PutAway) -> bool:
    """Put ``req.qty`` units into a bin; True when newly done (False: a repeat).

    Raises:
        InputError: more units than the node holds outside bins, or the bin
            would exceed its capacity.
        UnknownReference: an unknown bin or SKU.
    """
    ctx.require("operator")
    _check_qty(req.qty, f"put-away {req.idempotency_key}")
    row = {
        "idempotency_key": req.idempotency_key,
        "kind": "putaway",
        "sku": req.sku,
        "node": req.node,
        "bin": req.bin,
        "qty": req.qty,
        "reason": "put-away",
        "reference": req.reference,
    }
    with _shared(ctx) as conn:
        if q.seen_bin_rows_on(conn, ctx.seller, [row]):
            return False
        target = _one_bin(conn, req.node, req.bin)
        binned = sum(
            u for _, _, u in q.bin_stock_on(conn, ctx.seller, req.node, sku=req.sku)
        )
        free = q.on_hand_on(conn, ctx.seller, req.sku, req.node) - binned
        if req.qty > free:
            raise InputError(
                f"only {free} units of {req.sku} are not yet in a bin",
                record=f"put-away {req.idempotency_key}",
                field="qty",
                value=req.qty,
            )
        _fits(ctx, conn, target, req.sku, req.qty)
        done = q.insert_bin_rows_on(conn, ctx.seller, [row])
        if done:
            audit_on(
                conn,
                ctx,
                "hub.putaway",
                target=req.reference,
                inputs={"sku": req.sku, "bin": req.bin, "qty": req.qty},
            )
    return done


def _fits(ctx: Context, conn: Connection, target: Bin, sku: str, qty: int) -> None:
    rec = get_sku_on(conn, ctx.seller, sku)
    if rec is None:
        raise UnknownReference("unknown SKU", record="bin", field="sku", value=sku)
    load = q.bin_load_on(conn, target.node, target.bin)
    add = (rec.unit_volume_m3 * qty, rec.unit_weight_kg * qty)
    check_capacity(target, load, add)


def move_bin(ctx: Context, req: BinMove) -> bool:
    """Move units between two bins of a node; the node's balance does not change.

    Raises:
        InputError: the source bin holds fewer units, the bins are the same, or
            the destination would exceed its capacity.
    """
    ctx.require("operator")
    rec = f"bin move {req.idempotency_key}"
    _check_qty(req.qty, rec)
    if req.from_bin == req.to_bin:
        raise InputError(
            "source and destination bin are the same", record=rec, field="to_bin"
        )
    base = {
        "idempotency_key": req.idempotency_key,
        "kind": "move",
        "sku": req.sku,
        "node": req.node,
        "reason": "bin move",
        "reference": req.reference,
    }
    rows = [
        base | {"bin": req.from_bin, "qty": -req.qty},
        base | {"bin": req.to_bin, "qty": req.qty},
    ]
    with _shared(ctx) as conn:
        if q.seen_bin_rows_on(conn, ctx.seller, rows):
            return False
        _one_bin(conn, req.node, req.from_bin)
        target = _one_bin(conn, req.node, req.to_bin)
        held = sum(
            u
            for _, _, u in q.bin_stock_on(
                conn, ctx.seller, req.node, req.from_bin, req.sku
            )
        )
        if req.qty > held:
            raise InputError(
                f"bin {req.from_bin} holds {held} units of {req.sku}",
                record=rec,
                field="qty",
                value=req.qty,
            )
        _fits(ctx, conn, target, req.sku, req.qty)
        done = q.insert_bin_rows_on(conn, ctx.seller, rows)
        if done:
            audit_on(
                conn,
                ctx,
                "hub.bin_move",
                target=req.reference,
                inputs={
                    "sku": req.sku,
                    "from": req.from_bin,
                    "to": req.to_bin,
                    "qty": req.qty,
                },
            )
    return done


def bin_stock(ctx: Context, node: str, bin_id: str | None = None) -> list[BinStock]:
    """Return the context seller's units per bin and SKU at ``node``."""
    ctx.require("viewer")
    with scoped(ctx.engine, ctx.seller).connect() as conn:
        rows = q.bin_stock_on(conn, ctx.seller, node, bin_id)
    return [BinStock(b, s, u) for b, s, u in rows]


def check_bins(ctx: Context, node: str) -> list[str]:
    """Return problems of the seller's bin stock at ``node`` (empty when consistent).

    A problem is a bin holding negative units, or a SKU with more units in
    bins than on hand at the node.
    """
    ctx.require("viewer")
    problems = []
    per_sku: dict[str, int] = defaultdict(int)
    with scoped(ctx.engine, ctx.seller).connect() as conn:
        for b, sku, units in q.bin_stock_on(conn, ctx.seller, node):
            per_sku[sku] += units
            if units < 0:
                problems.append(f"bin {b}: {units} units of {sku}")
        for sku, units in sorted(per_sku.items()):
            on_hand = q.on_hand_on(conn, ctx.seller, sku, node)
            if units > on_hand:
                problems.append(f"{sku}: {units} units in bins, {on_hand} on hand")
    return problems
