"""Turn the vectorised risk arrays into signals, each with its one proposed action."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from worldpool.assistant._dist import FloatArray
from worldpool.assistant.excess import ExcessInputs, ExcessStock
from worldpool.assistant.signal import ActionKind, ProposedAction, Signal, SignalKind
from worldpool.assistant.stockout import StockoutInputs, StockoutRisk

__all__ = ["Pairs", "excess_signals", "stockout_signals"]

_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True, eq=False)
class Pairs:
    """Who the arrays are about and what the network offers them (length N)."""

    skus: Sequence[str]
    """SKU of each pair."""
    markets: Sequence[str]
    """Market (or node, for excess) of each pair."""
    unit_cost: FloatArray
    """Unit cost, money per unit."""
    hub_available: FloatArray
    """Units free at the origin hub for this SKU."""
    sea_days: FloatArray
    """Hub -> FC sea transit P90 to the pair's market, days."""
    air_days: FloatArray
    """Hub -> FC air transit P90, days (inf where no air lane)."""
    currency: str = "USD"
    """ISO 4217 code of every money array."""


def _money(x: float) -> Decimal:
    return Decimal(str(round(float(x), 2))).quantize(_CENT)


def _action(pairs: Pairs, i: int, qty: int, day: int, horizon: int) -> ProposedAction:
    sku, market = pairs.skus[i], pairs.markets[i]
    # Move what the hub has now; buy from the supplier only when it has none.
    hub = int(pairs.hub_available[i])
    if hub < 1:
        base = {"sku": sku, "market": market, "qty": qty}
        return ProposedAction(
            ActionKind.APPROVE_PO, base, _money(qty * pairs.unit_cost[i])
        )
    qty = min(qty, hub)
    value = _money(qty * pairs.unit_cost[i])
    base = {"sku": sku, "market": market, "qty": qty}
    if pairs.sea_days[i] <= max(day, 1):
        return ProposedAction(
            ActionKind.APPROVE_TRANSFER, base | {"mode": "sea"}, value
        )
    if np.isfinite(pairs.air_days[i]) and pairs.air_days[i] <= horizon:
        return ProposedAction(ActionKind.EXPEDITE_AIR, base | {"mode": "air"}, value)
    return ProposedAction(
        ActionKind.SERVE_FROM_ORIGIN, {"sku": sku, "market": market, "allow": True}
    )


def _stockout_signal(
    pairs: Pairs,
    inputs: StockoutInputs,
    risk: StockoutRisk,
    landed: FloatArray,
    i: int,
    horizon: int,
) -> Signal:
    # One pair's stock-out signal (see stockout_signals).
    need = inputs.mean[i] * 2 * horizon - landed[i]
    qty = int(np.ceil(max(need, risk.expected_short[i], 1.0)))
    day = int(risk.first_day[i])
    cover = risk.days_of_cover[i]
    return Signal(
        kind=SignalKind.STOCKOUT,
        key=f"stockout:{pairs.skus[i]}:{pairs.markets[i]}",
        impact=_money(risk.money_at_risk[i]),
        currency=pairs.currency,
        sku=pairs.skus[i],
        market=pairs.markets[i],
        probability=float(risk.probability[i]),
        message="{sku} in {market}: {pct}% chance to run out within {horizon} "
        "days; "
        "{on_hand} on hand, {arriving} arriving, {rate} sold a day, "
        "{short} units and {money} {currency} margin at risk.",
        numbers={
            "sku": pairs.skus[i],
            "market": pairs.markets[i],
            "pct": round(float(risk.probability[i]) * 100),
            "horizon": horizon,
            "on_hand": int(inputs.on_hand[i]),
            "arriving": int(landed[i] - inputs.on_hand[i]),
            "rate": round(float(inputs.mean[i]), 2),
            "short": round(float(risk.expected_short[i]), 1),
            "money": str(_money(risk.money_at_risk[i])),
            "currency": pairs.currency,
            "cover_days": round(float(min(cover, 9999.0)), 1),
            "first_day": day,
        },
        action=_action(pairs, i, qty, day, horizon),
    )


def stockout_signals(
    pairs: Pairs,
    inputs: StockoutInputs,
    risk: StockoutRisk,
    *,
    threshold: float = 1 / 3,
    horizon: int = 14,
) -> list[Signal]:
    """Return a signal for each pair whose stock-out probability reaches ``threshold``.

    The proposed quantity covers the expected shortfall plus the demand of the
    horizon beyond what is on hand and arriving (capped at what the hub has);
    the action is a sea transfer when it lands before the riskiest day, air
    when only air does, a purchase order when the hub has none, else shipping
    from origin.

    Args:
        pairs: Names, costs and network facts of the N pairs.
        inputs: The engine's inputs (stock, arrivals, demand).
        risk: The engine's output for the same pairs.
        threshold: Alert when P(stock-out) >= this, 0..1 (1/3: a missed
            stock-out taken to cost twice a needless look).
        horizon: Days the risk looks ahead.
    """
    out: list[Signal] = []
    landed = inputs.on_hand + inputs.arrivals.sum(axis=0)
    for i in (int(k) for k in np.flatnonzero(risk.probability >= threshold)):
        out.append(_stockout_signal(pairs, inputs, risk, landed, i, horizon))
    return out


def excess_signals(
    skus: Sequence[str],
    nodes: Sequence[str],
    inputs: ExcessInputs,
    excess: ExcessStock,
    currency: str,
    min_cost: float = 1.0,
) -> list[Signal]:
    """Return a signal per SKU x node whose excess costs >= ``min_cost`` to carry."""
    out: list[Signal] = []
    for i in (int(k) for k in np.flatnonzero(excess.carrying_cost >= min_cost)):
        units = int(excess.excess_units[i])
        out.append(
            Signal(
                kind=SignalKind.EXCESS,
                key=f"excess:{skus[i]}:{nodes[i]}",
                impact=_money(excess.carrying_cost[i]),
                currency=currency,
                sku=skus[i],
                market=nodes[i],
                message="{sku} at {node}: {units} units beyond {keep} days of demand "
                "({cover} days of cover), {money} {currency} to carry.",
                numbers={
                    "sku": skus[i],
                    "node": nodes[i],
                    "units": units,
                    "keep": round(inputs.cover_days),
                    "cover": round(float(min(excess.days_of_cover[i], 9999.0)), 1),
                    "money": str(_money(excess.carrying_cost[i])),
                    "currency": currency,
                },
                action=ProposedAction(
                    ActionKind.REPRICE,
                    {"sku": skus[i], "node": nodes[i], "direction": "down"},
                ),
            )
        )
    return out
