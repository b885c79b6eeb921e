import dataclasses
from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from worldpool.assistant import ActionKind, SignalKind, explain
from worldpool.assistant.excess import ExcessInputs, excess_stock
from worldpool.assistant.operations import (
    Blocker,
    ChannelHealth,
    DeadLetterInfo,
    LateArrival,
    OpenOrder,
    channel_signals,
    customs_signals,
    dead_letter_signals,
    late_signals,
    order_signals,
)
from worldpool.assistant.profit import (
    MarginRow,
    MarketOpportunity,
    ProfitSource,
    profit_signals,
)
from worldpool.assistant.rank import rank


def _order(key: str, backordered: int, age: float, value: str = "40") -> OpenOrder:
    return OpenOrder(key, "DE", "open", Decimal(value), "EUR", backordered, age, "MUG")


def test_backorders_and_stuck_orders_become_signals_with_their_value() -> None:
    """A backordered order proposes shipping from origin; an old open one asks for review."""
    sigs = order_signals(
        [
            _order("shopify:1", 2, 0.5),
            _order("amazon:2", 0, 3.0),
            _order("ebay:3", 0, 0.2),
        ]
    )
    kinds = {s.key: s for s in sigs}
    assert set(kinds) == {"backorder:shopify:1", "stuck:amazon:2"}
    assert kinds["backorder:shopify:1"].action.kind is ActionKind.SERVE_FROM_ORIGIN
    assert kinds["stuck:amazon:2"].impact == Decimal("40")
    assert "waits for 2 units" in explain(kinds["backorder:shopify:1"])


def test_late_transfers_dead_letters_and_customs_blockers() -> None:
    """Only late arrivals count; dead letters ask for review; a missing HS code proposes one."""
    late = late_signals(
        [
            LateArrival("TR-1", False, "MUG", "DE-FC1", 30, Decimal("120"), "USD", 3.5),
            LateArrival(
                "PO-9", True, "MUG", "CN-SZX", 500, Decimal("2000"), "USD", -1.0
            ),
        ]
    )
    assert [s.kind for s in late] == [SignalKind.LATE_TRANSFER]
    dead = dead_letter_signals(
        [DeadLetterInfo(7, "orders.csv", "order", "bad sku", 1.0)], "USD"
    )
    assert dead[0].action.kind is ActionKind.REVIEW and dead[0].key == "dead_letter:7"
    blocked = customs_signals(
        [
            Blocker(
                "LAMP", "DE", "hs_code", "no HS code", Decimal("50"), "USD", "940520"
            ),
            Blocker(
                "CELL", "DE", "battery", "refused on parcel lanes", Decimal("9"), "USD"
            ),
        ]
    )
    assert blocked[0].action.kind is ActionKind.FIX_HS_CODE
    assert blocked[0].action.params["hs_code"] == "940520"
    assert blocked[1].action.kind is ActionKind.REVIEW


class _Profit:
    def margins(self) -> Sequence[MarginRow]:
        return [
            MarginRow(
                "MUG", "DE", Decimal("10"), Decimal("9"), Decimal("0.3"), 100, "EUR"
            ),
            MarginRow(
                "PEN", "DE", Decimal("10"), Decimal("5"), Decimal("0.3"), 100, "EUR"
            ),
        ]

    def opportunities(self) -> Sequence[MarketOpportunity]:
        return [MarketOpportunity("MUG", "FR", Decimal("300"), "EUR")]


def test_the_profit_seam_turns_thin_margins_and_new_markets_into_signals() -> None:
    """MUG earns 10 % against 30 %: erosion worth 200 a month; FR is worth entering."""
    source = _Profit()
    assert isinstance(source, ProfitSource)
    sigs = {s.key: s for s in profit_signals(source)}
    assert set(sigs) == {"margin:MUG:DE", "enter:MUG:FR"}
    assert sigs["margin:MUG:DE"].impact == Decimal("200.00")
    assert sigs["enter:MUG:FR"].action.kind is ActionKind.SERVE_FROM_ORIGIN
    assert profit_signals(None) == []


def test_rank_orders_by_expected_impact() -> None:
    """A sure 100 outranks a 50 % chance of 150, which outranks a sure 60."""
    base = profit_signals(_Profit())[0]
    (sure_60,) = order_signals([_order("x:1", 1, 1, "60")])
    sure_100 = dataclasses.replace(base, impact=Decimal(100), key="a", probability=1.0)
    half_150 = dataclasses.replace(base, impact=Decimal(150), key="b", probability=0.5)
    ranked = rank([sure_60, half_150, sure_100])
    assert [s.key for s in ranked] == ["a", "b", sure_60.key]
    assert rank([sure_60, half_150, sure_100], limit=1) == [sure_100]


def test_excess_counts_units_beyond_cover_and_what_they_cost_to_carry() -> None:
    """400 units at 1 a day with 120 days kept: 280 excess waiting 140 days on average."""
    out = excess_stock(
        ExcessInputs(
            on_hand=np.array([400.0, 50.0]),
            mean=np.array([1.0, 1.0]),
            unit_cost=np.array([2.0, 2.0]),
            storage_day=np.array([0.01, 0.01]),
            capital_rate_day=0.0,
        )
    )
    assert out.excess_units.tolist() == [280.0, 0.0]
    assert np.isclose(out.carrying_cost[0], 280 * 0.01 * 140)
    assert out.carrying_cost[1] == 0.0


def _health(
    name: str, lag: float | None, pending: float | None, dead: int
) -> ChannelHealth:
    return ChannelHealth(
        name, "shopify", "US", lag, pending, dead, None, Decimal("480"), "USD"
    )


def test_a_shop_out_of_sync_is_a_signal_worth_its_blind_sales() -> None:
    """Out of sync costs the channel's USD 480/day pro rata (1 h to 1 day).

    Never polled and dead pushes are signals too; a shop in sync is not.
    """
    sigs = {
        s.key: s
        for s in channel_signals(
            [
                _health("late", 1800.0, None, 0),
                _health("fine", 20.0, 3.0, 0),
                _health("never", None, None, 0),
                _health("stuck", 30.0, 7200.0, 0),
                _health("dead", 30.0, None, 2),
            ],
            late_minutes=15,
        )
    }
    assert set(sigs) == {
        "channel_sync:late",
        "channel_sync:never",
        "channel_sync:stuck",
        "channel_sync:dead",
    }
    assert sigs["channel_sync:late"].impact == Decimal("20.00")  # 1 h floor
    assert sigs["channel_sync:stuck"].impact == Decimal("40.00")  # 2 h of pushes
    assert sigs["channel_sync:never"].impact == Decimal("480.00")  # a day
    assert sigs["channel_sync:dead"].impact == Decimal("0.00")
    assert all(s.action.kind is ActionKind.REVIEW for s in sigs.values())
    assert "never pulled orders" in explain(sigs["channel_sync:never"])
    assert "2 pushes failed for good" in explain(sigs["channel_sync:dead"])
