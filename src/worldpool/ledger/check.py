"""Recompute balances from the journal and report drift.

The sums are written here in SQL, independently of :mod:`effects`, so that a
bug in how the journal applies movements shows up as drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    case,
    func,
    literal,
    select,
    true,
    union_all,
)

from worldpool.ledger.tables import balances, movements

__all__ = ["Drift", "DriftReport", "check_on", "recompute_on"]

Key = tuple[str, str, str]
"""(seller, sku, node)."""
State = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Drift:
    """One balance row that disagrees with its journal, in units."""

    sku: str
    """SKU id."""
    node: str
    """Node id."""
    stored: State
    """(on_hand, reserved, in_transit) in the balances table."""
    journal: State
    """(on_hand, reserved, in_transit) recomputed from movements."""
    seller: str = "default"
    """Seller owning the row."""


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Result of a full journal-vs-balances check."""

    rows_checked: int
    """Number of (sku, node) rows compared."""
    movements: int
    """Number of journal entries summed."""
    drifts: tuple[Drift, ...]
    """Rows that disagree; empty when the ledger is consistent."""

    @property
    def ok(self) -> bool:
        """True when no row drifts."""
        return not self.drifts


def _legs(seller: str | None) -> Iterator[Select[Any]]:
    m = movements.c
    mine = true() if seller is None else m.seller == seller
    received = m.qty - m.damaged - m.short
    on_hand_in = case(
        (m.kind.in_(("receive", "return", "adjust")), m.qty),
        (m.kind == "transfer_in", received),
        (m.kind == "ship", -m.qty),
        else_=0,
    )
    reserved = case(
        (m.kind == "reserve", m.qty),
        (m.kind.in_(("release", "ship")), -m.qty),
        else_=0,
    )
    transit = case(
        (m.kind == "transfer_out", m.qty),
        (m.kind == "transfer_in", -m.qty),
        else_=0,
    )
    yield select(
        m.seller.label("seller"),
        m.sku.label("sku"),
        m.node.label("node"),
        on_hand_in.label("oh"),
        reserved.label("rs"),
        transit.label("it"),
    ).where(mine)
    # The source leg of a transfer out: on-hand leaves the origin node.
    yield select(
        m.seller.label("seller"),
        m.sku.label("sku"),
        m.from_node.label("node"),
        (-m.qty).label("oh"),
        literal(0).label("rs"),
        literal(0).label("it"),
    ).where(m.kind == "transfer_out", mine)


def recompute_on(conn: Connection, seller: str | None) -> dict[Key, State]:
    """Return (on_hand, reserved, in_transit) per (seller, sku, node) from the journal.

    Args:
        conn: Open connection.
        seller: Only this seller's journal; None for every seller (operator).
    """
    legs = union_all(*_legs(seller)).subquery()
    stmt = select(
        legs.c.seller,
        legs.c.sku,
        legs.c.node,
        func.sum(legs.c.oh),
        func.sum(legs.c.rs),
        func.sum(legs.c.it),
    ).group_by(legs.c.seller, legs.c.sku, legs.c.node)
    return {
        (r[0], r[1], r[2]): (int(r[3] or 0), int(r[4] or 0), int(r[5] or 0))
        for r in conn.execute(stmt)
    }


def check_on(conn: Connection, seller: str | None) -> DriftReport:
    """Compare stored balances with the journal; return every disagreement.

    Args:
        conn: Connection in a (snapshot) transaction.
        seller: Only this seller's rows; None for every seller (operator).
    """
    journal = recompute_on(conn, seller)
    b, m = balances.c, movements.c
    rows = select(balances).where(true() if seller is None else b.seller == seller)
    stored: dict[Key, State] = {
        (r.seller, r.sku, r.node): (r.on_hand, r.reserved, r.in_transit)
        for r in conn.execute(rows)
    }
    zero: State = (0, 0, 0)
    drifts = [
        Drift(sku, node, stored.get(k, zero), journal.get(k, zero), owner)
        for k in sorted(journal.keys() | stored.keys())
        for owner, sku, node in [k]
        if stored.get(k, zero) != journal.get(k, zero)
    ]
    count = conn.execute(
        select(func.count())
        .select_from(movements)
        .where(true() if seller is None else m.seller == seller)
    ).scalar_one()
    return DriftReport(
        rows_checked=len(journal.keys() | stored.keys()),
        movements=int(count),
        drifts=tuple(drifts),
    )
