from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from sqlalchemy import update

from worldpool.catalog import Catalog
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import WorldpoolError
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine
from worldpool.ledger.tables import balances
from worldpool.testing import make_sku
from worldpool.testing.strategies import movement_sequences


def replay(ledger: Ledger, seq: list[Movement]) -> None:
    for m in seq:
        # Infeasible draws are refused; the invariants must hold regardless.
        with contextlib.suppress(WorldpoolError):
            ledger.post(m)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seq=movement_sequences())
def test_random_workload_zero_drift_sqlite(
    seq: list[Movement], catalog: Catalog, tmp_path_factory: object
) -> None:
    """After any random workload, balances equal the journal and available >= 0."""
    path: Path = tmp_path_factory.mktemp("h") / "h.db"  # type: ignore[attr-defined]
    ledger = Ledger(make_engine(f"sqlite:///{path}"), catalog)
    ledger.init()
    ledger.register_skus([make_sku("A"), make_sku("B")])
    replay(ledger, seq)
    report = ledger.check()
    assert report.ok, report.drifts
    assert all(b.available >= 0 and b.in_transit >= 0 for b in ledger.balances())
    ledger.close()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seq=movement_sequences(max_size=25))
def test_random_workload_zero_drift_both(seq: list[Movement], ledger: Ledger) -> None:
    """The drift invariant holds on PostgreSQL too (state accumulates across examples)."""
    ledger.register_skus([make_sku("A"), make_sku("B")])
    replay(ledger, seq)
    assert ledger.check().ok
    assert all(b.available >= 0 for b in ledger.balances())


def test_tampered_balance_is_reported(ledger: Ledger) -> None:
    """Editing a balance behind the journal's back shows up as drift."""
    ledger.register_skus([make_sku("A")])
    ledger.post(Movement(MovementKind.RECEIVE, "A", "CN-SZX", 10, "ASN", "r", "k1"))
    with ledger.engine.begin() as conn:
        conn.execute(update(balances).values(on_hand=12))
    report = ledger.check()
    assert not report.ok
    (drift,) = report.drifts
    assert (drift.stored, drift.journal) == ((12, 0, 0), (10, 0, 0))
