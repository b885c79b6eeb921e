"""What the profit services return: records with ``summary()`` and ``to_dict()``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from worldpool.profit.evaluate import Evaluation
from worldpool.profit.expand import ChecklistItem, LaunchPlan, LogisticsOption
from worldpool.profit.price import PriceAdvice
from worldpool.profit.rank import MarketScore

__all__ = [
    "ExpandResult",
    "MarketExpansion",
    "PriceResult",
    "ProfitResult",
    "RankResult",
    "RepriceItem",
    "RepriceResult",
    "advice_dict",
]


def advice_dict(a: PriceAdvice, currency: str) -> dict[str, object]:
    """Return a price advice as plain data (floats rounded for reading)."""
    fit = a.fit
    return {
        "price": a.price,
        "currency": currency,
        "low": a.low,
        "high": a.high,
        "units_per_month": round(a.units, 2),
        "contribution_per_unit": round(a.contribution, 2),
        "profit_per_month": round(a.profit, 2),
        "bound": a.bound,
        "elasticity": {
            "value": round(fit.elasticity, 3),
            "std_error": round(fit.std_error, 3),
            "points": fit.points,
            "r2": None if math.isnan(fit.r2) else round(fit.r2, 3),
            "source": fit.source,
        },
    }


def _eval_line(e: Evaluation) -> str:
    a, u = e.advice, e.economics
    return (
        f"{e.market:<4} {e.mode:<9} price {a.price:>10.2f} {u.price.currency} "
        f"(range {a.low:.2f}-{a.high:.2f}, "
        f"e={a.fit.elasticity:.2f}+/-{a.fit.std_error:.2f}) "
        f"margin {u.contribution.amount} ({u.margin:.1%}) ~{a.units:.1f}/month"
    )


@dataclass(frozen=True, slots=True)
class ProfitResult:
    """Unit economics of a SKU per market and mode."""

    sku: str
    """SKU id."""
    rows: tuple[Evaluation, ...]
    """One per market x mode that has a lane."""
    skipped: tuple[str, ...] = ()
    """``market/mode: reason`` for combinations that could not be priced."""

    def summary(self) -> str:
        """Return every row's explained lines (what the CLI prints)."""
        parts = [e.economics.summary() for e in self.rows]
        parts += [f"skipped {s}" for s in self.skipped]
        return "\n\n".join(parts)

    def to_dict(self) -> dict[str, object]:
        """Return plain data."""
        return {
            "sku": self.sku,
            "rows": [
                e.economics.to_dict()
                | {"advice": advice_dict(e.advice, e.economics.price.currency)}
                for e in self.rows
            ],
            "skipped": list(self.skipped),
        }


@dataclass(frozen=True, slots=True)
class PriceResult:
    """The advised price of a SKU in one market."""

    sku: str
    """SKU id."""
    evaluation: Evaluation
    """Advice and unit economics at the advised price."""

    def summary(self) -> str:
        """Return the advice and the explained lines."""
        return _eval_line(self.evaluation) + "\n" + self.evaluation.economics.summary()

    def to_dict(self) -> dict[str, object]:
        """Return plain data."""
        e = self.evaluation
        return {"sku": self.sku, "market": e.market, "mode": e.mode} | {
            "advice": advice_dict(e.advice, e.economics.price.currency),
            "economics": e.economics.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class RepriceItem:
    """A SKU x market whose fees or duties changed, with its new price."""

    sku: str
    """SKU id."""
    market: str
    """Marketplace id."""
    currency: str
    """Market currency."""
    old_price: float
    """Advised price under the rows in force on ``since``."""
    new_price: float
    """Advised price under today's rows."""
    old_margin: float
    """Contribution per unit at the old price under the old rows."""
    new_margin: float
    """Contribution per unit at the old price under today's rows."""


@dataclass(frozen=True, slots=True)
class RepriceResult:
    """Rows that took effect since a day and the SKUs they move."""

    since: date
    """The day compared with."""
    changed: tuple[tuple[str, str, date, str], ...]
    """(file, id, effective_date, source) of each row that took effect."""
    items: tuple[RepriceItem, ...]
    """Affected SKU x markets."""

    def summary(self) -> str:
        """Return the changed rows and the new prices."""
        rows = [f"{len(self.changed)} fee/tariff rows took effect after {self.since}:"]
        rows += [f"  {d} {f.split('/')[-1]} {i}" for f, i, d, _ in self.changed]
        rows += [
            f"{it.sku:<12} {it.market:<4} {it.old_price:>10.2f} -> "
            f"{it.new_price:>10.2f} {it.currency} (margin at the old price "
            f"{it.old_margin:.2f} -> {it.new_margin:.2f})"
            for it in self.items
        ]
        return "\n".join(rows) if self.items else "\n".join([*rows, "no SKU affected"])

    def to_dict(self) -> dict[str, object]:
        """Return plain data."""
        return {
            "since": self.since.isoformat(),
            "changed": [
                {
                    "file": f.split("/")[-1],
                    "id": i,
                    "effective_date": d.isoformat(),
                    "source": s,
                }
                for f, i, d, s in self.changed
            ],
            "items": [
                {
                    "sku": it.sku,
                    "market": it.market,
                    "currency": it.currency,
                    "old_price": it.old_price,
                    "new_price": it.new_price,
                    "old_margin": round(it.old_margin, 2),
                    "new_margin": round(it.new_margin, 2),
                }
                for it in self.items
            ],
        }


@dataclass(frozen=True, slots=True)
class RankResult:
    """Markets ranked for a SKU."""

    sku: str
    """SKU id."""
    currency: str
    """Currency of the profits."""
    scores: tuple[MarketScore, ...]
    """Best first."""

    def summary(self) -> str:
        """Return one line per market."""
        rows = [f"best markets for {self.sku} (monthly profit in {self.currency})"]
        rows += [
            f"{k:>2}. {s.option.market:<4} {s.option.mode:<9} {s.score:>10.0f}  {s.why}"
            for k, s in enumerate(self.scores, start=1)
        ]
        return "\n".join(rows)

    def to_dict(self) -> dict[str, object]:
        """Return plain data."""
        return {
            "sku": self.sku,
            "currency": self.currency,
            "markets": [
                {
                    "market": s.option.market,
                    "mode": s.option.mode,
                    "price": s.option.price,
                    "price_currency": s.option.currency,
                    "units_per_month": round(s.option.monthly_units, 2),
                    "contribution_per_unit": round(s.option.contribution, 2),
                    "monthly_profit": round(s.monthly_profit, 2),
                    "risk": round(s.risk, 3),
                    "score": round(s.score, 2),
                    "blockers": list(s.option.blockers),
                    "why": s.why,
                }
                for s in self.scores
            ],
        }


@dataclass(frozen=True, slots=True)
class MarketExpansion:
    """Everything needed to launch a SKU in one market."""

    market: str
    """Marketplace id."""
    evaluation: Evaluation
    """Advised price and unit economics of the launch mode."""
    checklist: tuple[ChecklistItem, ...]
    """Compliance checklist."""
    logistics: tuple[LogisticsOption, ...]
    """Ways to get there."""
    plan: LaunchPlan
    """Serve from origin first, or seed stock."""

    def to_dict(self) -> dict[str, object]:
        """Return plain data."""
        e = self.evaluation
        return {
            "market": self.market,
            "mode": e.mode,
            "advice": advice_dict(e.advice, e.economics.price.currency),
            "economics": e.economics.to_dict(),
            "checklist": [
                {
                    "kind": i.kind,
                    "text": i.text,
                    "modes": list(i.modes),
                    "severity": i.severity,
                    "source": i.source,
                }
                for i in self.checklist
            ],
            "logistics": [
                {
                    "lane": o.lane,
                    "mode": o.mode,
                    "cost_per_unit": str(o.cost_per_unit),
                    "currency": o.currency,
                    "p50_days": o.p50_days,
                    "p90_days": o.p90_days,
                    "blocked": o.blocked,
                }
                for o in self.logistics
            ],
            "plan": {
                "strategy": self.plan.strategy,
                "seed_units": self.plan.seed_units,
                "lane": self.plan.lane,
                "why": self.plan.why,
            },
        }


@dataclass(frozen=True, slots=True)
class ExpandResult:
    """The one-step expansion of a SKU, applied or not."""

    sku: str
    """SKU id."""
    markets: tuple[MarketExpansion, ...]
    """One per target market."""
    applied: bool = False
    """True when the listing and launch rows were written."""
    written: int = 0
    """Launch rows newly written (0 on a repeat)."""

    def summary(self) -> str:
        """Return the plan per market (what the CLI prints)."""
        rows = []
        for m in self.markets:
            rows.append(_eval_line(m.evaluation))
            rows += [f"  [{i.severity}] {i.kind}: {i.text}" for i in m.checklist]
            rows += [
                f"  lane {o.lane}: {o.cost_per_unit} {o.currency}/unit, "
                f"{o.p50_days:.0f}-{o.p90_days:.0f} days"
                + (" (blocked)" if o.blocked else "")
                for o in m.logistics
            ]
            rows.append(f"  plan: {m.plan.strategy} - {m.plan.why}")
        if self.applied:
            rows.append(f"applied: {self.written} launch rows written")
        return "\n".join(rows)

    def to_dict(self) -> dict[str, object]:
        """Return plain data."""
        return {
            "sku": self.sku,
            "applied": self.applied,
            "written": self.written,
            "markets": [m.to_dict() for m in self.markets],
        }
