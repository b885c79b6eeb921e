"""A small seller world for the assistant: a hub, a DE FC, three SKUs, 60 days of sales."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from worldpool.catalog import load_catalog
from worldpool.config import Settings
from worldpool.context import Context, open_context
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.domain.product import BatteryType, SkuRecord
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine

HUB, FC = "CN-SZX", "DE-FC1"


def _skus() -> list[SkuRecord]:
    def rec(sku: str, title: str, **kw: object) -> SkuRecord:
        return SkuRecord(
            sku=sku,
            title=title,
            unit_weight_kg=Decimal("0.4"),
            unit_volume_m3=Decimal("0.002"),
            unit_cost=Decimal("4.00"),
            currency="USD",
            listed_markets=("DE",),
            **kw,  # type: ignore[arg-type]
        )

    return [
        rec("MUG", "ceramic coffee mug", hs_code="691200"),
        rec("LAMP", "LED desk lamp", hs_code=None),
        rec(
            "CELL",
            "spare lithium battery pack",
            hs_code="850760",
            battery=BatteryType.LOOSE,
            ffo_markets=("DE",),
        ),
    ]


def _move(
    kind: MovementKind,
    sku: str,
    node: str,
    qty: int,
    ref: str,
    at: datetime,
    **kw: object,
) -> Movement:
    return Movement(
        kind=kind,
        sku=sku,
        node=node,
        qty=qty,
        reason="test",
        reference=ref,
        idempotency_key=f"{kind}:{sku}:{node}:{ref}",
        at=at,
        **kw,
    )  # type: ignore[arg-type]


def build_world(led: Ledger, now: datetime) -> None:
    """MUG sells 5 a day in DE and has 8 left; LAMP sells little and has 400 in DE."""
    led.register_skus(_skus())
    start = now - timedelta(days=70)
    for sku, qty in (("MUG", 400), ("LAMP", 500), ("CELL", 50)):
        led.post(_move(MovementKind.RECEIVE, sku, HUB, qty, f"ASN-{sku}", start))
    for sku, qty in (("MUG", 308), ("LAMP", 420)):
        out = _move(
            MovementKind.TRANSFER_OUT,
            sku,
            FC,
            qty,
            f"TR-{sku}",
            start,
            from_node=HUB,
            lane="CN-SZX>DE-FC1:sea",
        )
        led.post(out)
        led.post(
            _move(
                MovementKind.TRANSFER_IN,
                sku,
                FC,
                qty,
                f"TR-{sku}",
                start + timedelta(days=5),
                from_node=HUB,
                lane="CN-SZX>DE-FC1:sea",
            )
        )
    for d in range(60):
        day = now - timedelta(days=60 - d)
        for sku, qty in (("MUG", 5), ("LAMP", 1 if d % 3 == 0 else 0)):
            if qty:
                ref = f"ORD-DE-{sku}-{d}"
                led.post(_move(MovementKind.RESERVE, sku, FC, qty, ref, day))
                led.post(_move(MovementKind.SHIP, sku, FC, qty, ref, day))


def make_world(db_url: str) -> Context:
    """Build the small world at ``db_url``; return a context acting as its owner."""
    led = Ledger(make_engine(db_url), load_catalog())
    led.init()
    build_world(led, datetime.now(UTC))
    led.close()
    return open_context(Settings(database_url=db_url), user="alice", role="owner")


@pytest.fixture
def world(db_url: str) -> Iterator[Context]:
    """A context over the small world (SQLite and PostgreSQL)."""
    ctx = make_world(db_url)
    yield ctx
    ctx.close()
