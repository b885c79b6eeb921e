"""The demand service reads ship movements and stock-outs from the ledger."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from tests.conftest import context_for
from worldpool.catalog import Catalog
from worldpool.context import Context, ledger_of
from worldpool.demand.service import (
    ForecastRequest,
    forecast,
    history_from_ledger,
    on_hand_deltas,
    series_history,
)
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine
from worldpool.ledger.effects import effects
from worldpool.testing import make_sku

K = MovementKind


def _at(day: int) -> datetime:
    return datetime(2024, 3, day, 12, tzinfo=UTC)


def _move(kind: K, node: str, qty: int, day: int, ref: str, **kw: object) -> Movement:
    key = f"{kind}:{node}:{day}:{ref}"
    return Movement(kind, "MUG-1", node, qty, "test", ref, key, at=_at(day), **kw)  # type: ignore[arg-type]


def _sell(node: str, qty: int, day: int, ref: str) -> list[Movement]:
    return [_move(K.RESERVE, node, qty, day, ref), _move(K.SHIP, node, qty, day, ref)]


@pytest.fixture
def pool(sqlite_url: str, catalog: Catalog) -> Context:
    """A pool where the DE FC sells out on 6 March and the hub ships one FR order."""
    led = Ledger(make_engine(sqlite_url), catalog)
    led.init()
    led.register_skus([make_sku(listed_markets=("DE", "FR"))])
    moves = [
        _move(K.RECEIVE, "CN-SZX", 20, 1, "ASN-1"),
        _move(K.TRANSFER_OUT, "DE-FC1", 6, 1, "TR-1", from_node="CN-SZX"),
        _move(K.TRANSFER_IN, "DE-FC1", 6, 3, "TR-1", from_node="CN-SZX"),
        *_sell("DE-FC1", 2, 4, "O-1"),
        *_sell("DE-FC1", 2, 5, "O-2"),
        *_sell("DE-FC1", 2, 6, "O-3"),
        *_sell("CN-SZX", 1, 8, "ORD-20240308-FR-MUG-1"),
    ]
    result = led.post_many(moves)
    assert not result.rejected
    return context_for(led)


def test_history_has_units_per_market_and_day(pool: Context) -> None:
    """FC ships count for the FC's market; a hub ship for the market in its reference."""
    h = history_from_ledger(pool)
    de = h.frame[h.frame["market"] == "DE"].set_index("date")
    assert de["units"].sum() == 6
    fr = h.frame[h.frame["market"] == "FR"]
    assert fr["units"].sum() == 1
    assert h.unplaced_ships == 0


def test_stockout_days_are_flagged(pool: Context) -> None:
    """Days on which the stocked DE FC ended empty are stock-outs; earlier days not."""
    h = history_from_ledger(pool)
    de = h.frame[h.frame["market"] == "DE"].set_index("date")["stockout"]
    assert bool(de.loc["2024-03-06"]) and bool(de.loc["2024-03-08"])
    assert not bool(de.loc["2024-03-05"])


def test_forecast_from_ledger(pool: Context) -> None:
    """Every (sku, market) that shipped gets a forecast row."""
    out = forecast(pool, ForecastRequest(horizon_days=7)).frame
    assert set(out["market"]) == {"DE", "FR"}
    assert (out["p99"] >= out["p50"]).all()
    one = forecast(pool, ForecastRequest(horizon_days=7, market="fr")).frame
    assert set(one["market"]) == {"FR"}


@pytest.mark.parametrize("kind", list(K))
def test_on_hand_rule_agrees_with_the_ledger(kind: K) -> None:
    """The service's on-hand rule equals the ledger's effects for every kind."""
    m = Movement(kind, "MUG-1", "DE-FC1", 5, "r", "ref", "k", from_node="CN-SZX",
                 damaged=1 if kind is K.TRANSFER_IN else 0)  # fmt: skip
    want = sorted((e.node, e.on_hand) for e in effects(m) if e.on_hand)
    got = sorted(on_hand_deltas(kind.value, m.node, m.from_node, m.qty, m.damaged))
    assert got == want


def test_series_history_equals_the_full_read_of_that_series(pool: Context) -> None:
    """One series read from its SKU's journal equals the full history's rows.

    A second SKU moves last (13 March), so the pool's stock-out days run past
    MUG-1's own last movement: the per-series read must run them as far.
    """
    led = ledger_of(pool)
    led.register_skus([make_sku("CUP-2", listed_markets=("DE", "FR"))])
    later = [
        Movement(K.RECEIVE, "CUP-2", "DE-FC1", 5, "t", "ASN-2", "c1", at=_at(10)),
        Movement(K.RESERVE, "CUP-2", "DE-FC1", 2, "t", "O-9", "c2", at=_at(13)),
        Movement(K.SHIP, "CUP-2", "DE-FC1", 2, "t", "O-9", "c3", at=_at(13)),
    ]
    assert not led.post_many(later).rejected
    full = history_from_ledger(pool).frame
    assert full["date"].max() == pd.Timestamp("2024-03-13")
    for (sku, market), want in full.groupby(["sku", "market"]):
        got = series_history(pool, str(sku), str(market))
        pd.testing.assert_frame_equal(got, want.reset_index(drop=True))
    de = series_history(pool, "MUG-1", "DE").set_index("date")["stockout"]
    assert bool(de.loc["2024-03-13"])  # past MUG-1's last movement (8 March)
    assert series_history(pool, "MUG-1", "US").empty
    assert series_history(pool, "NOPE", "DE").empty
