"""Build the demo world: SKUs, an ASN at the hub, forward stock, replayed orders.

Steps (all through the ledger, so the journal explains every unit):

1. register the demo SKUs, listed where each one sold;
2. receive one ASN at the hub covering ``hub_cover_days`` of demand;
3. forward-deploy ``forward_days`` of each market's demand by sea to its FC;
   two lanes in three have arrived (a few cartons damaged), the rest are on
   the water;
4. replay the last ``replay_days`` of real orders: reserve at the market's FC,
   else fulfil from origin, else the sale is lost; ship all but the last day.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from worldpool.demo.data_files import DemandRow, demand_bytes, read_demand, read_skus
from worldpool.domain.inventory import Balance, Movement, MovementKind
from worldpool.domain.network import Mode
from worldpool.errors import InputError, InsufficientStock
from worldpool.ledger import Ledger

__all__ = ["DemoParams", "DemoSummary", "build_demo"]

Progress = Callable[[str, int, int], None]


def _quiet(_step: str, _done: int, _total: int) -> None:
    """Progress callback that does nothing."""


@dataclass(frozen=True, slots=True)
class DemoParams:
    """Settings of the demo world."""

    hub: str = "CN-SZX"
    """Origin hub receiving the ASN."""
    history_days: int = 365
    """Days of history used to size stock, in days."""
    hub_cover_days: int = 120
    """Days of total demand received at the hub, in days."""
    forward_days: int = 30
    """Days of each market's demand sent ahead to its FC, in days."""
    replay_days: int = 14
    """Final days of real orders replayed against the pool, in days."""

    def __post_init__(self) -> None:
        for name in ("history_days", "hub_cover_days", "forward_days", "replay_days"):
            if getattr(self, name) <= 0:
                raise InputError("must be positive", record="DemoParams", field=name)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What the demo built."""

    directory: Path
    """Folder holding ``worldpool.db`` and ``demand_history.csv.gz``."""
    database_url: str
    """SQLAlchemy URL of the demo database."""
    skus: int
    """SKUs registered."""
    markets: tuple[str, ...]
    """Marketplaces with demand."""
    orders_from_fc: int = 0
    """Replayed order lines served from a local FC."""
    orders_from_origin: int = 0
    """Replayed order lines fulfilled from origin (FFO)."""
    orders_lost: int = 0
    """Replayed order lines no node could serve."""
    balances: tuple[Balance, ...] = field(default_factory=tuple)
    """Every balance row at the end."""
    value_by_node: dict[str, Decimal] = field(default_factory=dict)
    """Value of on-hand plus in-transit stock per node, at unit cost, in GBP."""


def build_demo(
    directory: str | Path,
    params: DemoParams | None = None,
    *,
    progress: Progress = _quiet,
) -> DemoSummary:
    """Build the demo world in the fresh folder ``directory`` and return its summary.

    Raises:
        InputError: when ``directory`` exists and is not empty.
    """
    p = params or DemoParams()
    folder = Path(directory)
    if folder.exists() and any(folder.iterdir()):
        raise InputError("folder is not empty; choose a fresh one", record=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "demand_history.csv.gz").write_bytes(demand_bytes())
    url = f"sqlite:///{(folder / 'worldpool.db').resolve()}"
    with Ledger.open(url) as ledger:
        ledger.init()
        demand = read_demand()
        end = max(r.day for r in demand)
        start = end - timedelta(days=p.history_days)
        rate = _daily_rates(
            [r for r in demand if start < r.day <= end - timedelta(p.replay_days)], p
        )
        sold: dict[str, set[str]] = defaultdict(set)
        for r in demand:
            sold[r.sku].add(r.market)
        skus = read_skus(sold)
        progress("registering SKUs", 0, 1)
        ledger.register_skus(skus)
        progress("registering SKUs", 1, 1)
        _receive(ledger, rate, p, end - timedelta(days=p.replay_days + 45), progress)
        _forward(ledger, rate, p, end - timedelta(days=p.replay_days + 35), progress)
        served = _replay(
            ledger,
            [r for r in demand if r.day > end - timedelta(p.replay_days)],
            p,
            progress,
        )
        summary = DemoSummary(
            directory=folder,
            database_url=url,
            skus=len(skus),
            markets=tuple(sorted({r.market for r in demand})),
            orders_from_fc=served["fc"],
            orders_from_origin=served["ffo"],
            orders_lost=served["lost"],
            balances=tuple(ledger.balances()),
            value_by_node=_values(
                ledger.balances(), {k.sku: k.unit_cost for k in skus}
            ),
        )
    return summary


def _values(rows: list[Balance], cost: dict[str, Decimal]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for b in rows:
        out[b.node] += (b.on_hand + b.in_transit) * cost[b.sku]
    return dict(out)


def _daily_rates(rows: list[DemandRow], p: DemoParams) -> dict[tuple[str, str], float]:
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        totals[(r.sku, r.market)] += r.units
    days = p.history_days - p.replay_days
    return {k: v / days for k, v in totals.items()}


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def _receive(
    ledger: Ledger,
    rate: dict[tuple[str, str], float],
    p: DemoParams,
    day: date,
    progress: Progress,
) -> None:
    per_sku: dict[str, float] = defaultdict(float)
    for (sku, _market), r in rate.items():
        per_sku[sku] += r
    moves = [
        Movement(
            MovementKind.RECEIVE,
            sku,
            p.hub,
            math.ceil(r * p.hub_cover_days) or 1,
            "ASN receipt",
            "ASN DEMO-0001",
            f"asn:DEMO-0001:{sku}",
            at=_at(day),
        )
        for sku, r in sorted(per_sku.items())
    ]
    for i, m in enumerate(moves, start=1):
        ledger.post(m)
        progress("receiving ASN at hub", i, len(moves))


def _forward(
    ledger: Ledger,
    rate: dict[tuple[str, str], float],
    p: DemoParams,
    day: date,
    progress: Progress,
) -> None:
    plan = []
    for (sku, market), r in sorted(rate.items()):
        fcs = ledger.catalog.fcs_for(market)
        qty = math.floor(r * p.forward_days)
        if fcs and qty > 0:
            plan.append((sku, market, fcs[0].id, qty))
    for i, (sku, market, fc, qty) in enumerate(plan, start=1):
        lanes = ledger.catalog.lanes_between(p.hub, fc, Mode.SEA)
        ref = f"TR-{market}-{sku}"
        try:
            ledger.post(
                Movement(
                    MovementKind.TRANSFER_OUT,
                    sku,
                    fc,
                    qty,
                    "forward deploy by sea",
                    ref,
                    f"out:{ref}",
                    from_node=p.hub,
                    lane=lanes[0].id if lanes else None,
                    at=_at(day),
                )
            )
        except InsufficientStock:
            continue
        tag = int(hashlib.sha256(ref.encode()).hexdigest(), 16)
        if tag % 3:
            damaged = 1 if qty >= 20 and tag % 7 == 0 else 0
            ledger.post(
                Movement(
                    MovementKind.TRANSFER_IN,
                    sku,
                    fc,
                    qty,
                    "arrived at FC",
                    ref,
                    f"in:{ref}",
                    from_node=p.hub,
                    damaged=damaged,
                    at=_at(day) + timedelta(days=30),
                )
            )
        progress("forward-deploying to FCs", i, len(plan))


def _replay(
    ledger: Ledger, rows: list[DemandRow], p: DemoParams, progress: Progress
) -> dict[str, int]:
    served = {"fc": 0, "ffo": 0, "lost": 0}
    last = max((r.day for r in rows), default=None)
    for i, r in enumerate(
        sorted(rows, key=lambda r: (r.day, r.sku, r.market)), start=1
    ):
        order = f"ORD-{r.day:%Y%m%d}-{r.market}-{r.sku}"
        node = _reserve(ledger, r, order)
        if node is None:
            served["lost"] += 1
        else:
            served["fc" if node != p.hub else "ffo"] += 1
            if r.day != last:
                ledger.post(
                    Movement(
                        MovementKind.SHIP,
                        r.sku,
                        node,
                        r.units,
                        "shipped to shopper",
                        order,
                        f"ship:{order}",
                        at=_at(r.day),
                    )
                )
        progress("replaying recent orders", i, len(rows))
    return served


def _reserve(ledger: Ledger, r: DemandRow, order: str) -> str | None:
    for source in ledger.atp(r.sku, r.market).sources:
        if source.available < r.units:
            continue
        try:
            ledger.post(
                Movement(
                    MovementKind.RESERVE,
                    r.sku,
                    source.node,
                    r.units,
                    f"order from {r.market}",
                    order,
                    f"res:{order}",
                    at=_at(r.day),
                )
            )
        except InsufficientStock:
            continue
        return source.node
    return None
