"""The plan: an immutable value with an id, the inputs' fingerprint and its lines.

Lines are kept as columns (NumPy arrays) so a plan for millions of pairs
stays small; the record views (:meth:`Plan.transfer_lines` ...) render the
``why`` of each line on demand.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from worldpool.plan.explain import market_why, order_why, transfer_why
from worldpool.plan.problem import FloatArray, IntArray

__all__ = ["MarketLine", "OrderLine", "Plan", "TransferLine"]

_CUTS = ("", "short", "lp")


@dataclass(frozen=True, slots=True)
class TransferLine:
    """Move units from the hub to an FC."""

    sku: str
    """SKU id."""
    hub: str
    """Source hub id."""
    fc: str
    """Destination FC id."""
    market: str
    """Marketplace the stock is for."""
    mode: str
    """Inbound mode (``sea``, ``air`` ...)."""
    qty: int
    """Units to ship."""
    ship_by: date
    """Latest day to hand over to the carrier."""
    eta: date
    """Expected arrival (mean transit), a date."""
    why: str
    """One sentence: why this line."""


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A purchase order from the supplier into the hub."""

    sku: str
    """SKU id."""
    hub: str
    """Receiving hub id."""
    qty: int
    """Units to order (whole packs, at least the MOQ)."""
    order_by: date
    """Day to place the order."""
    eta: date
    """Expected receipt at the hub."""
    why: str
    """One sentence: why this line."""


@dataclass(frozen=True, slots=True)
class MarketLine:
    """How one SKU is fulfilled in one marketplace until the next plan."""

    sku: str
    """SKU id."""
    market: str
    """Marketplace id."""
    fulfilment: str
    """``local`` (FC stock) or ``origin`` (fulfil from the hub)."""
    mode: str
    """Inbound mode of forward stock, or ``none``."""
    expected_service: float
    """Expected share of demand served (FC or origin), 0..1."""
    local_fill: float
    """Expected share of demand served from the FC, 0..1."""
    cover_days: float
    """Days of mean demand the FC holds after this plan's arrivals, in days."""
    why: str
    """One sentence: why this fulfilment mode."""


@dataclass(frozen=True, slots=True, eq=False)
class Plan:
    """One planning result: what to ship, what to buy, how each market is served."""

    id: str
    """Plan id, ``PLAN-`` + 12 hex digits of the fingerprint, params and seed."""
    fingerprint: str
    """Digest of every input array (see ``PlanProblem.fingerprint``)."""
    as_of: date
    """Planning day."""
    hub: str
    """Origin hub id."""
    currency: str
    """ISO 4217 code of every cost."""
    names: dict[str, tuple[str, ...]]
    """Id tables: ``skus``, ``markets``, ``fcs``, ``modes``."""
    transfers: dict[str, Any]
    """Transfer columns: sku, fc, market, mode, qty, days, target, position,
    need, cr, cut (0 none, 1 short, 2 lp)."""
    orders: dict[str, Any]
    """Purchase-order columns: sku, qty, lead, target, position, moq."""
    markets: dict[str, Any]
    """Pair columns: sku, market, mode, reason, served, local_fill, cover_days,
    cost, cost_none."""
    costs: dict[str, float] = field(default_factory=dict)
    """Cost breakdown, in ``currency``."""
    stats: dict[str, Any] = field(default_factory=dict)
    """Solver status, phase times in seconds, counts."""

    def transfer_lines(self) -> Iterator[TransferLine]:
        """Yield every transfer as a record with its ``why``."""
        n, t = self.names, self.transfers
        for i in range(len(t["qty"])):
            mode = n["modes"][t["mode"][i]]
            fc = n["fcs"][t["fc"][i]]
            qty = int(t["qty"][i])
            days = round(float(t["days"][i]))
            yield TransferLine(
                n["skus"][t["sku"][i]],
                self.hub,
                fc,
                n["markets"][t["market"][i]],
                mode,
                qty,
                self.as_of,
                self.as_of + timedelta(days=days),
                transfer_why(
                    qty,
                    mode,
                    fc,
                    float(t["target"][i]),
                    int(t["position"][i]),
                    int(t["need"][i]),
                    float(t["cr"][i]),
                    _CUTS[int(t["cut"][i])],
                ),
            )

    def order_lines(self) -> Iterator[OrderLine]:
        """Yield every purchase order as a record with its ``why``."""
        o = self.orders
        for i in range(len(o["qty"])):
            lead = float(o["lead"][i])
            qty = int(o["qty"][i])
            yield OrderLine(
                self.names["skus"][o["sku"][i]],
                self.hub,
                qty,
                self.as_of,
                self.as_of + timedelta(days=round(lead)),
                order_why(
                    qty,
                    int(o["position"][i]),
                    float(o["target"][i]),
                    lead,
                    int(o["moq"][i]),
                ),
            )

    def market_lines(self) -> Iterator[MarketLine]:
        """Yield the fulfilment mode of every (SKU, market) pair with its ``why``."""
        n, m = self.names, self.markets
        for i in range(len(m["mode"])):
            j = int(m["mode"][i])
            mode = n["modes"][j] if j >= 0 else "none"
            yield MarketLine(
                n["skus"][m["sku"][i]],
                n["markets"][m["market"][i]],
                "local" if j >= 0 else "origin",
                mode,
                float(m["served"][i]),
                float(m["local_fill"][i]),
                float(m["cover_days"][i]),
                market_why(
                    int(m["reason"][i]),
                    mode,
                    float(m["cost"][i]),
                    float(m["cost_none"][i]),
                    self.currency,
                ),
            )

    def summary(self) -> str:
        """Return a few lines for the CLI: counts, units, costs and solver status."""
        t, o, m = self.transfers, self.orders, self.markets
        local = int((np.asarray(m["mode"]) >= 0).sum())
        units = int(np.sum(t["qty"]))
        lines = [
            f"plan {self.id} for {self.as_of} (hub {self.hub}, inputs "
            f"{self.fingerprint[:12]})",
            f"transfers: {len(t['qty'])} lines, {units} units; purchase orders: "
            f"{len(o['qty'])} lines, {int(np.sum(o['qty']))} units",
            f"markets: {local} of {len(m['mode'])} (SKU, market) pairs stocked "
            "locally, the rest served from origin",
        ]
        lines += [f"{k}: {v:,.2f} {self.currency}" for k, v in self.costs.items()]
        lines.append(f"LP: {self.stats.get('lp_status', 'off')}")
        return "\n".join(lines)

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """Return the plan as plain data (JSON-ready); ``limit`` caps each line list."""

        def take(it: Iterator[Any]) -> list[dict[str, Any]]:
            """Return up to ``limit`` records as plain dicts."""
            out = []
            for i, rec in enumerate(it):
                if limit is not None and i >= limit:
                    break
                out.append({k: _plain(getattr(rec, k)) for k in rec.__slots__})
            return out

        return {
            "id": self.id,
            "fingerprint": self.fingerprint,
            "as_of": self.as_of.isoformat(),
            "hub": self.hub,
            "currency": self.currency,
            "costs": self.costs,
            "stats": {k: _plain(v) for k, v in self.stats.items()},
            "transfers": take(self.transfer_lines()),
            "orders": take(self.order_lines()),
            "markets": take(self.market_lines()),
        }

    def to_json(self, limit: int | None = None) -> str:
        """Return :meth:`to_dict` as indented JSON text."""
        return json.dumps(self.to_dict(limit), indent=2)

    def transfers_csv(self) -> str:
        """Return the transfer lines as CSV text with a header row."""
        return _csv(TransferLine.__slots__, self.transfer_lines())

    def orders_csv(self) -> str:
        """Return the purchase-order lines as CSV text with a header row."""
        return _csv(OrderLine.__slots__, self.order_lines())

    def markets_csv(self) -> str:
        """Return the per-market fulfilment lines as CSV text with a header row."""
        return _csv(MarketLine.__slots__, self.market_lines())


def _csv(header: tuple[str, ...], records: Iterator[Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for rec in records:
        w.writerow([_plain(getattr(rec, k)) for k in header])
    return buf.getvalue()


def _plain(v: Any) -> Any:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v


def columns(**arrays: FloatArray | IntArray) -> dict[str, Any]:
    """Return a read-only column dict (arrays flagged not writeable)."""
    for a in arrays.values():
        a.flags.writeable = False
    return dict(arrays)
