"""A two-seller hub: SKUs, a month of movements at CN-SZX, a parcel and a service."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.conftest import context_of
from worldpool.context import Context
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.domain.product import SkuRecord
from worldpool.ledger import Ledger

HUB = "CN-SZX"


def at(month: int, day: int, hour: int = 12) -> datetime:
    """Return a UTC instant in 2026."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


def sku(code: str, volume: str) -> SkuRecord:
    """Return a SKU of ``volume`` m3 per unit."""
    return SkuRecord(
        sku=code,
        title=f"Item {code}",
        unit_weight_kg=Decimal("0.5"),
        unit_volume_m3=Decimal(volume),
        unit_cost=Decimal("3.20"),
        currency="USD",
        listed_markets=("US",),
        ffo_markets=("US",),
    )


def mv(
    kind: MovementKind, code: str, qty: int, when: datetime, ref: str, **kw: str
) -> Movement:
    """Return a movement at the hub with a unique key."""
    key = f"{kind}-{code}-{ref}-{when.isoformat()}-{qty}"
    return Movement(
        kind, code, kw.pop("node", HUB), qty, "test", ref, key, at=when, **kw
    )


def stock(ledger: Ledger, seller: str, scale: int) -> None:
    """Register SKUs and post September + October movements for ``seller``."""
    view = Ledger(ledger.engine, ledger.catalog, seller=seller)
    view.register_skus([sku("A", "0.012"), sku("B", "0.0035")])
    k = MovementKind
    moves = [
        mv(k.RECEIVE, "A", 100 * scale, at(9, 20), "ASN-1"),
        mv(k.RECEIVE, "B", 45 * scale, at(10, 2), "ASN-2"),
        mv(k.RECEIVE, "A", 38, at(10, 2, 15), "ASN-2"),
        mv(k.ADJUST, "B", -2, at(10, 5), "COUNT-1"),
    ]
    for day, ref, qty in ((3, "O-1", 3), (3, "O-2", 1), (9, "O-3", 5), (31, "O-4", 2)):
        moves += [
            mv(k.RESERVE, "A", qty, at(10, day, 9), ref),
            mv(k.SHIP, "A", qty, at(10, day, 10), ref),
        ]
    moves.append(
        mv(
            k.TRANSFER_OUT,
            "A",
            20,
            at(10, 15),
            "T-1",
            node="US-FC1",
            from_node=HUB,
            lane="CN-SZX>US-FC1:sea",
        )
    )
    moves.append(mv(k.RECEIVE, "B", 10, at(11, 1), "ASN-3"))  # next month: not billed
    for m in moves:
        view.post(m)


@pytest.fixture
def hub(ledger: Ledger) -> Context:
    """The hub operator's context over a ledger with sellers ``acme`` and ``beta``."""
    stock(ledger, "acme", 1)
    stock(ledger, "beta", 3)
    return context_of(ledger, role="hub")
