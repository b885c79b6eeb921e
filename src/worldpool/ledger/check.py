"""Recompute balances from the journal and report drift.

The sums are written here in SQL, independently of :mod:`effects`, so that a
bug in how the journal applies movements shows up as drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, case, func, literal, select, union_all

from worldpool.ledger.tables import balances, movements

__all__ = ["Drift", "DriftReport", "check_on", "recompute_on"]

Key = tuple[str, str]
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


def _legs() -> Iterator[Select[Any]]:
    m = movements.c
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
        m.sku.label("sku"),
        m.node.label("node"),
        on_hand_in.label("oh"),
        reserved.label("rs"),
        transit.label("it"),
    )
    # The source leg of a transfer out: on-hand leaves the origin node.
    yield select(
        m.sku.label("sku"),
        m.from_node.label("node"),
        (-m.qty).label("oh"),
        literal(0).label("rs"),
        literal(0).label("it"),
    ).where(m.kind == "transfer_out")


def recompute_on(conn: Connection) -> dict[Key, State]:
    """Return (on_hand, reserved, in_transit) per (sku, node) from the journal."""
    legs = union_all(*_legs()).subquery()
    stmt = select(
        legs.c.sku,
        legs.c.node,
        func.sum(legs.c.oh),
        func.sum(legs.c.rs),
        func.sum(legs.c.it),
    ).group_by(legs.c.sku, legs.c.node)
    return {
        (r[0], r[1]): (int(r[2] or 0), int(r[3] or 0), int(r[4] or 0))
        for r in conn.execute(stmt)
    }


def check_on(conn: Connection) -> DriftReport:
    """Compare stored balances with the journal; return every disagreement."""
    journal = recompute_on(conn)
    stored: dict[Key, State] = {
        (r.sku, r.node): (r.on_hand, r.reserved, r.in_transit)
        for r in conn.execute(select(balances))
    }
    zero: State = (0, 0, 0)
    drifts = [
        Drift(sku, node, stored.get((sku, node), zero), journal.get((sku, node), zero))
        for sku, node in sorted(journal.keys() | stored.keys())
        if stored.get((sku, node), zero) != journal.get((sku, node), zero)
    ]
    count = conn.execute(select(func.count()).select_from(movements)).scalar_one()
    return DriftReport(
        rows_checked=len(journal.keys() | stored.keys()),
        movements=int(count),
        drifts=tuple(drifts),
    )
