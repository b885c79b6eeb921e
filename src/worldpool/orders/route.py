"""The routing decision: which node(s) serve an order, and why (pure).

``route`` never touches a database: it takes the order, a snapshot of
available units per (SKU, node), the SKU records and the catalog, so the
digital twin calls the very same function as production.

Cost of a source = pick/pack + transport (+ clearance and duty for FFO) + a
conversion cost per P50 day + a penalty per day the P90 overruns the promise,
all in USD. A source whose P50 exceeds the service level's promise is too slow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from worldpool.catalog import Catalog
from worldpool.domain.product import SkuRecord
from worldpool.orders.order import Order, OrderLine
from worldpool.orders.rules import (
    Candidate,
    RoutingParams,
    SourceKind,
    candidates,
    ffo_block,
    to_usd,
)

__all__ = ["Assignment", "RoutingDecision", "StockView", "route"]

_DEFAULT = RoutingParams()

StockView = Mapping[tuple[str, str], int]
"""Available units (on hand - reserved) by (SKU, node); missing means 0."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """Units of one order line given to one source (or backordered)."""

    line_id: str
    """Order line id."""
    sku: str
    """SKU id."""
    qty: int
    """Units, > 0."""
    kind: SourceKind
    """Local FC, same-zone FC, origin, or backorder."""
    node: str | None = None
    """Node shipping it; None for a backorder."""
    lane: str | None = None
    """FFO parcel lane id (origin only)."""
    p50_days: float = 0.0
    """Median delivery time, in days (0 for a backorder)."""
    p90_days: float = 0.0
    """90th percentile delivery time, in days (0 for a backorder)."""


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    """Where every unit of an order comes from, its cost, promise and reason."""

    order_key: str
    """``channel:channel_order_id``."""
    market: str
    """Marketplace id the order ships to."""
    assignments: tuple[Assignment, ...]
    """One or more per line; backordered units have ``node`` None."""
    cost_usd: Decimal
    """Expected cost of the chosen plan (transport, fees, penalties), in USD."""
    why: str
    """A sentence a seller can read."""

    @property
    def backordered(self) -> int:
        """Units no node could serve."""
        return sum(a.qty for a in self.assignments if a.node is None)

    @property
    def p90_days(self) -> float:
        """Promise of the slowest shipped unit, P90 in days (0 when none ships)."""
        return max((a.p90_days for a in self.assignments if a.node), default=0.0)

    @property
    def p50_days(self) -> float:
        """Median delivery of the slowest shipped unit, in days."""
        return max((a.p50_days for a in self.assignments if a.node), default=0.0)


@dataclass(frozen=True, slots=True)
class _Ctx:
    order: Order
    market: str
    skus: Mapping[str, SkuRecord]
    stock: StockView
    params: RoutingParams
    value_usd: Decimal
    duty_dm_usd: Decimal

    def block(self, c: Candidate, lines: Sequence[OrderLine]) -> str | None:
        """Return why ``c`` cannot take ``lines`` at all (eligibility), or None."""
        if c.kind is not SourceKind.ORIGIN:
            return None
        for ln in lines:
            reason = ffo_block(self.skus[ln.sku], self.market)
            if reason:
                return reason
        if self.value_usd > self.params.ffo_max_value_usd:
            return f"order value ${self.value_usd:.2f} is over the FFO limit"
        if _weight(self, lines)[0] > self.params.ffo_max_weight_kg:
            return "parcel is over the FFO weight limit"
        return None

    def too_slow(self, c: Candidate) -> bool:
        """True when the candidate's P50 breaks the service level's promise."""
        return c.p50_days > self.params.promise_days[self.order.service_level]

    def cost(self, c: Candidate, lines: Sequence[OrderLine]) -> Decimal:
        """Return the full expected cost of sending ``lines`` from ``c``, in USD."""
        weight, volume = _weight(self, lines)
        p = self.params
        total = c.ship_cost(weight, volume, p)
        if c.kind is SourceKind.ORIGIN and self.value_usd > self.duty_dm_usd:
            total += p.duty_rate * self.value_usd
        promise = p.promise_days[self.order.service_level]
        late = max(0.0, c.p90_days - promise)
        return (
            total
            + p.day_cost * Decimal(str(c.p50_days))
            + p.late_cost * Decimal(str(late))
        )


def _weight(ctx: _Ctx, lines: Sequence[OrderLine]) -> tuple[Decimal, Decimal]:
    recs = [(ctx.skus[ln.sku], ln.qty) for ln in lines]
    return (
        sum((r.unit_weight_kg * q for r, q in recs), Decimal(0)),
        sum((r.unit_volume_m3 * q for r, q in recs), Decimal(0)),
    )


def route(
    order: Order,
    market: str,
    stock: StockView,
    skus: Mapping[str, SkuRecord],
    catalog: Catalog,
    params: RoutingParams | None = None,
) -> RoutingDecision:
    """Choose the node(s) that serve ``order`` at the lowest expected cost.

    Args:
        order: The validated order (every SKU is in ``skus``).
        market: Marketplace id it ships to.
        stock: Available units by (SKU, node), a snapshot.
        skus: SKU records by id (weights, battery, FFO eligibility).
        catalog: Nodes, lanes and marketplaces in force.
        params: Costs, promises and the split policy (defaults when None).

    Returns:
        The decision; units nothing can serve are backordered.
    """
    p = params or _DEFAULT
    mk = catalog.marketplace(market)
    dm = mk.duty_de_minimis
    ctx = _Ctx(
        order,
        market,
        skus,
        stock,
        p,
        to_usd(order.value, order.currency, p),
        to_usd(dm.value, dm.currency, p),
    )
    cands = [c for c in candidates(catalog, market, p) if not ctx.too_slow(c)]
    whole = _whole(ctx, cands)
    if whole is not None or not p.split:
        return whole or _backorder(ctx, cands)
    return _split(ctx, cands)


def _has_stock(ctx: _Ctx, c: Candidate, lines: Sequence[OrderLine]) -> bool:
    return all(ctx.stock.get((ln.sku, c.node), 0) >= ln.qty for ln in lines)


def _whole(ctx: _Ctx, cands: list[Candidate]) -> RoutingDecision | None:
    lines = ctx.order.lines
    ranked = sorted(
        (c for c in cands if ctx.block(c, lines) is None),
        key=lambda c: (ctx.cost(c, lines), c.node),
    )
    for c in ranked:
        if _has_stock(ctx, c, lines):
            cost = ctx.cost(c, lines)
            return RoutingDecision(
                ctx.order.key,
                ctx.market,
                tuple(_assign(ln, ln.qty, c) for ln in lines),
                cost,
                _why(ctx, c, cost, ranked, cands),
            )
    return None


def _assign(ln: OrderLine, qty: int, c: Candidate) -> Assignment:
    return Assignment(
        ln.line_id,
        ln.sku,
        qty,
        c.kind,
        c.node,
        c.lane.id if c.lane else None,
        c.p50_days,
        c.p90_days,
    )


def _why(
    ctx: _Ctx,
    chosen: Candidate,
    cost: Decimal,
    ranked: list[Candidate],
    cands: list[Candidate],
) -> str:
    lines = ctx.order.lines
    skipped = []
    for c in cands:
        if c is chosen:
            break
        reason = ctx.block(c, lines)
        if reason is None and not _has_stock(ctx, c, lines):
            reason = f"{c.node} out of stock"
        if reason and reason not in skipped:
            skipped.append(reason)
    if len(skipped) > 3:
        skipped = [*skipped[:3], f"{len(skipped) - 3} more sources unavailable"]
    text = (
        f"{chosen.label()}, P50 {chosen.p50_days:g} / P90 {chosen.p90_days:g} days, "
        f"${cost:.2f}"
    )
    best = ranked[0]
    if best is not chosen:
        extra = cost - ctx.cost(best, lines)
        text += f" (${extra:.2f} more than {best.label()})"
    return "; ".join([*skipped, text]) + "."


def _backorder(ctx: _Ctx, cands: list[Candidate]) -> RoutingDecision:
    lines = ctx.order.lines
    reasons = []
    for c in cands:
        block = ctx.block(c, lines)
        reasons.append(block or f"{c.node} out of stock")
    if not ctx.params.split and len(lines) > 1:
        reasons.append("no single node holds every line and splitting is off")
    if not cands:
        reasons.append("no node can meet the promised delivery time")
    return RoutingDecision(
        ctx.order.key,
        ctx.market,
        tuple(
            Assignment(ln.line_id, ln.sku, ln.qty, SourceKind.BACKORDER) for ln in lines
        ),
        Decimal(0),
        "Backordered: " + "; ".join(dict.fromkeys(reasons)) + ".",
    )


def _split(ctx: _Ctx, cands: list[Candidate]) -> RoutingDecision:
    left = dict(ctx.stock)
    out: list[Assignment] = []
    cost = Decimal(0)
    used: dict[str, Candidate] = {}
    for ln in ctx.order.lines:
        need = ln.qty
        ranked = sorted(
            (c for c in cands if ctx.block(c, [ln]) is None),
            key=lambda c: (ctx.cost(c, [ln]), c.node),
        )
        for c in ranked:
            take = min(need, left.get((ln.sku, c.node), 0))
            if take <= 0:
                continue
            left[(ln.sku, c.node)] -= take
            out.append(_assign(ln, take, c))
            if c.node not in used:
                cost += ctx.cost(c, [ln])
                used[c.node] = c
            need -= take
            if need == 0:
                break
        if need:
            out.append(Assignment(ln.line_id, ln.sku, need, SourceKind.BACKORDER))
    if not used:
        return _backorder(ctx, cands)
    parts = ", ".join(c.label() for c in used.values())
    why = f"No single node holds every line; split across {parts}"
    back = sum(a.qty for a in out if a.node is None)
    if back:
        why += f"; {back} unit(s) backordered"
    return RoutingDecision(ctx.order.key, ctx.market, tuple(out), cost, why + ".")
