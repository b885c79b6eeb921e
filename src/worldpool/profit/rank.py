"""Rank marketplaces for a SKU by expected monthly profit, with risk, in words.

Expected monthly profit = expected monthly units x contribution per unit at
the advised price. Risk discounts it: a compliance blocker (an error-level
customs rule the SKU cannot meet on the mode) rules the market out; transit
variability (P90 over P50 transit days) and the return rate lower the score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from worldpool.i18n import t

__all__ = ["MarketOption", "MarketScore", "rank_markets"]

_TRANSIT_WEIGHT = 0.25
"""Score lost per unit of relative transit spread ((P90 - P50) / P50), capped."""
_RETURN_WEIGHT = 0.5
"""Score lost per unit of return rate (on top of the returns allowance)."""
_MAX_RISK = 0.6


@dataclass(frozen=True, slots=True)
class MarketOption:
    """What is known about selling a SKU in one market."""

    market: str
    """Marketplace id."""
    mode: str
    """Fulfilment mode of the figures."""
    price: float
    """Advised price, market currency."""
    currency: str
    """Market currency."""
    contribution: float
    """Contribution per unit at ``price``, in the report currency."""
    monthly_units: float
    """Expected units per month at ``price``."""
    blockers: tuple[str, ...] = ()
    """Compliance errors that stop the SKU here (empty: none)."""
    return_rate: float = 0.0
    """Share of units returned."""
    transit_p50: float = 0.0
    """Median transit days to the shopper (or to the FC)."""
    transit_p90: float = 0.0
    """90th percentile transit days."""


@dataclass(frozen=True, slots=True)
class MarketScore:
    """A ranked market."""

    option: MarketOption
    """The figures."""
    monthly_profit: float
    """Expected contribution per month, report currency."""
    risk: float
    """Share of the profit discounted for risk, 0..1 (1: blocked)."""
    score: float
    """``monthly_profit x (1 - risk)``."""
    why: str
    """The reasons, in the reader's language."""


def _risk(o: MarketOption) -> float:
    spread = (
        (o.transit_p90 - o.transit_p50) / o.transit_p50 if o.transit_p50 > 0 else 0.0
    )
    return min(_MAX_RISK, _TRANSIT_WEIGHT * spread + _RETURN_WEIGHT * o.return_rate)


def _why(o: MarketOption, profit: float, risk: float, language: str) -> str:
    if o.blockers:
        return t("blocked: {reasons}", language, reasons="; ".join(o.blockers))
    text = t(
        "about {units:.0f} units a month at {price:.2f} {currency} leave "
        "{unit:.2f} each, {profit:.0f} a month",
        language,
        units=o.monthly_units,
        price=o.price,
        currency=o.currency,
        unit=o.contribution,
        profit=profit,
    )
    return text + t(
        "; risk {risk:.0%} (transit {p50:.0f}-{p90:.0f} days, {returns:.0%} returns)",
        language,
        risk=risk,
        p50=o.transit_p50,
        p90=o.transit_p90,
        returns=o.return_rate,
    )


def rank_markets(
    options: Sequence[MarketOption], language: str = "en"
) -> tuple[MarketScore, ...]:
    """Return the markets by descending risk-adjusted expected monthly profit.

    Args:
        options: One option per market (the best mode of each, say).
        language: Language of the reasons.
    """
    scores = []
    for o in options:
        profit = o.monthly_units * o.contribution
        risk = 1.0 if o.blockers else _risk(o)
        score = profit * (1.0 - risk) if profit > 0 else profit
        scores.append(
            MarketScore(o, profit, risk, score, _why(o, profit, risk, language))
        )
    return tuple(
        sorted(
            scores, key=lambda s: (s.option.blockers != (), -s.score, s.option.market)
        )
    )
