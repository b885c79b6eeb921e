"""Demand service: the ledger's ship movements -> daily history -> forecast.

The only module of ``worldpool.demand`` that touches the ledger. It reads the
journal (read-only) and hands plain frames to the pure core. Every face
forecasts through :func:`forecast` (and the planner through
:func:`ledger_history` + :func:`forecast_history`), so the CLI, the API and
the plan all see the same numbers.

* **Market of a shipment.** A ship from a fulfilment centre belongs to the
  market the FC serves (its first market). A ship from an origin hub
  (fulfil-from-origin) carries no market field; the market is taken from the
  first ``-``-separated token of its reference that is a known marketplace id
  (the demo's ``ORD-YYYYMMDD-DE-SKU``), else the shipment is left out and
  counted.
* **Stock-out days.** A (sku, market) day is a stock-out when, at the end of
  the day, every FC serving the market that has ever held the SKU has nothing
  on hand. Fulfil-from-origin is not counted as stock (a simplification).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pandas as pd

from worldpool.catalog import Catalog
from worldpool.context import Context, ledger_of
from worldpool.demand.backtest import BacktestResult, backtest
from worldpool.demand.forecast import daily_forecast
from worldpool.demand.forecast import forecast as run_forecast
from worldpool.demand.params import ForecastCallbacks, ForecastParams
from worldpool.domain.inventory import MovementKind
from worldpool.domain.network import NodeKind
from worldpool.errors import InputError

__all__ = [
    "ForecastRequest",
    "ForecastResult",
    "LedgerHistory",
    "fan",
    "forecast",
    "forecast_history",
    "history_from_ledger",
    "ledger_history",
    "on_hand_deltas",
    "read_history_file",
    "series_history",
]


@dataclass(frozen=True, slots=True)
class LedgerHistory:
    """Daily demand read from the journal."""

    frame: pd.DataFrame
    """Long history: ``sku, market, date, units, stockout``."""
    unplaced_ships: int
    """Ship movements whose market could not be told (left out)."""


def on_hand_deltas(
    kind: str, node: str, from_node: str | None, qty: int, written_off: int
) -> list[tuple[str, int]]:
    """Return the (node, on-hand change) pairs of one movement, in units.

    The same rule as :func:`worldpool.ledger.effects.effects` (a test checks
    that they agree), restricted to on-hand stock.

    Args:
        kind: Movement kind (a :class:`MovementKind` value).
        node: The node whose stock changes (destination of transfers).
        from_node: Source node of a transfer.
        qty: Units of the movement (signed for adjustments).
        written_off: Damaged plus short units of a transfer arrival.
    """
    match MovementKind(kind):
        case MovementKind.RECEIVE | MovementKind.RETURN | MovementKind.ADJUST:
            return [(node, qty)]
        case MovementKind.SHIP:
            return [(node, -qty)]
        case MovementKind.TRANSFER_OUT if from_node is not None:
            return [(from_node, -qty)]
        case MovementKind.TRANSFER_IN:
            return [(node, qty - written_off)]
    return []


def _journal(ctx: Context, sku: str | None = None) -> pd.DataFrame:
    rows = ledger_of(ctx).movement_rows(sku)  # this seller's journal, oldest first
    cols = ["kind", "sku", "node", "from_node", "qty", "damaged", "short", "ref", "at"]
    df = pd.DataFrame(rows, columns=cols)
    df["date"] = pd.to_datetime(df["at"], utc=True).dt.tz_localize(None).dt.normalize()
    return df


def _market_of(node: str, ref: str, catalog: Catalog) -> str | None:
    info = catalog.nodes.get(node)
    if info is not None and info.kind is NodeKind.FC and info.markets:
        return info.markets[0]
    tokens = [t for t in str(ref).split("-") if t in catalog.marketplaces]
    return tokens[0] if tokens else None


def _stockouts(
    journal: pd.DataFrame, catalog: Catalog, end: pd.Timestamp | None = None
) -> pd.DataFrame:
    """(sku, market, date) days on which every stocked FC of the market was empty.

    Days run to ``end`` (the whole journal's last day; default: ``journal``'s).
    """
    deltas = []
    for r in journal.to_dict("records"):
        off = int(r["damaged"]) + int(r["short"])
        pairs = on_hand_deltas(
            str(r["kind"]), str(r["node"]), r["from_node"], int(r["qty"]), off
        )
        deltas += [(r["sku"], node, r["date"], d) for node, d in pairs if d]
    none = pd.DataFrame(columns=["sku", "market", "date", "stockout"])
    if not deltas:
        return none
    d = pd.DataFrame(deltas, columns=["sku", "node", "date", "delta"])
    d = d[d["node"].map(lambda n: catalog.nodes[n].kind is NodeKind.FC)]
    if d.empty:
        # Only the hub ever held stock (fulfil-from-origin): no FC can stock out.
        return none
    daily = d.groupby(["sku", "node", "date"])["delta"].sum().unstack(["sku", "node"])
    if end is None:
        end = journal["date"].max()
    daily = daily.reindex(pd.date_range(daily.index.min(), end), fill_value=0.0)
    on_hand = daily.fillna(0.0).cumsum().rename_axis("date")
    # An FC counts from the first day it held the SKU: before that, the SKU was
    # not stocked there at all, which is not a stock-out.
    stocked = (on_hand > 0).cummax()
    empty = ((on_hand <= 0) & stocked).where(stocked)
    stacked = cast(pd.Series, empty.stack(["sku", "node"], future_stack=True))
    long = stacked.dropna().rename("stockout").reset_index()
    long["market"] = long["node"].map(lambda n: catalog.nodes[n].markets[0])
    long["stockout"] = long["stockout"].astype(bool)
    out = long.groupby(["sku", "market", "date"], as_index=False).agg(
        stockout=("stockout", "all")
    )
    return out


def history_from_ledger(ctx: Context) -> LedgerHistory:
    """Build the daily demand history of every (sku, market) from the journal.

    Args:
        ctx: The application context.

    Returns:
        The long history (units shipped per day, stock-out flag) and the count
        of ship movements whose market is unknown.
    """
    journal = _journal(ctx)
    return _history(journal, ctx.catalog)


def series_history(ctx: Context, sku: str, market: str) -> pd.DataFrame:
    """Return one (SKU, market)'s daily demand, reading only that SKU's journal.

    The same rows as :func:`ledger_history` filtered to the series (units
    shipped per day, stock-out flag; stock-out days run to the whole journal's
    last day), without reading or flagging every other SKU: the ledger reads
    the SKU's movements through its ``(seller, sku, node)`` index.

    Args:
        ctx: The application context.
        sku: SKU id.
        market: Marketplace id (e.g. ``DE``).

    Returns:
        ``sku, market, date, units, stockout`` (empty when the series never shipped).
    """
    ctx.require("viewer")
    journal = _journal(ctx, sku)
    last = ledger_of(ctx).last_movement_at()
    end = None
    if last is not None:  # the same day arithmetic as _journal's "date"
        stamp = pd.to_datetime(pd.Series([last]), utc=True).dt.tz_localize(None)
        end = stamp.dt.normalize().iloc[0]
    frame = _history(journal, ctx.catalog, end).frame
    one = frame[(frame["sku"].astype(str) == sku) & (frame["market"] == market)]
    return one.reset_index(drop=True)


def _history(
    journal: pd.DataFrame, catalog: Catalog, end: pd.Timestamp | None = None
) -> LedgerHistory:
    ships = journal[journal["kind"] == MovementKind.SHIP.value].copy()
    ships["market"] = [
        _market_of(n, r, catalog)
        for n, r in zip(ships["node"], ships["ref"], strict=True)
    ]
    unplaced = int(ships["market"].isna().sum())
    ships = ships.dropna(subset=["market"])
    if ships.empty:
        empty = pd.DataFrame(columns=["sku", "market", "date", "units", "stockout"])
        return LedgerHistory(frame=empty, unplaced_ships=unplaced)
    units = ships.groupby(["sku", "market", "date"], as_index=False).agg(
        units=("qty", "sum")
    )
    flags = _stockouts(journal, catalog, end)
    frame = units.merge(flags, on=["sku", "market", "date"], how="outer")
    frame = frame[frame["sku"].isin(units["sku"])]
    frame["units"] = frame["units"].fillna(0).astype("int64")
    frame["stockout"] = frame["stockout"].astype("boolean").fillna(False).astype(bool)
    frame = frame.sort_values(["sku", "market", "date"], ignore_index=True)
    return LedgerHistory(frame=frame, unplaced_ships=unplaced)


def ledger_history(ctx: Context) -> pd.DataFrame:
    """Return the ledger's daily demand: ``sku, market, date, units, stockout``."""
    return history_from_ledger(ctx).frame


def forecast_history(
    history: pd.DataFrame,
    *,
    horizon_days: int = 28,
    lead_days: int = 0,
    params: ForecastParams | None = None,
    callbacks: ForecastCallbacks | None = None,
) -> pd.DataFrame:
    """Forecast a daily history; refuse an empty one with a readable error.

    Args:
        history: Long daily demand ``sku, market, date, units[, stockout]``.
        horizon_days: Days in the window, in days.
        lead_days: Days from tomorrow to the window start, in days.
        params: Pipeline settings.
        callbacks: Progress hooks.

    Raises:
        InputError: when the history holds no sales to forecast from.
    """
    if history.empty:
        raise InputError(
            "no shipped orders to forecast from; record sales first or pass "
            "demand rows (--demand FILE)",
            record="demand",
            field="demand",
        )
    out: pd.DataFrame = run_forecast(
        history,
        horizon_days=horizon_days,
        lead_days=lead_days,
        params=params,
        callbacks=callbacks,
    )
    return out


@dataclass(frozen=True, slots=True)
class ForecastRequest:
    """What to forecast."""

    horizon_days: int = 28
    """Days in the window (lead time + review), in days."""
    lead_days: int = 0
    """Days from tomorrow to the window start, in days."""
    history: pd.DataFrame | None = None
    """Daily history to forecast instead of the ledger's (a file the user gave)."""
    sku: str | None = None
    """Keep only this SKU id."""
    market: str | None = None
    """Keep only this marketplace id."""
    backtest_windows: int = 0
    """Also backtest on this many rolling origins (0: no)."""


@dataclass(frozen=True, slots=True, eq=False)
class ForecastResult:
    """Quantiles per (sku, market) and the history they came from."""

    frame: pd.DataFrame
    """``sku, market, horizon_start, horizon_days, lead_days, mean, p50 … p99,
    model, segment, abc, source, why`` (empty when nothing shipped)."""
    history: pd.DataFrame
    """The daily history forecast."""
    scores: BacktestResult | None = None
    """Backtest scores when asked for."""


def forecast(
    ctx: Context,
    request: ForecastRequest,
    *,
    callbacks: ForecastCallbacks | None = None,
) -> ForecastResult:
    """Forecast every (sku, market) that shipped; keep one SKU/market if named.

    Every series is forecast (cold start and categories see the whole pool),
    then the rows are filtered. A history without shipments gives no rows.

    Args:
        ctx: The application context.
        request: Window, filters, optional history and backtest.
        callbacks: Progress hooks.
    """
    ctx.require("viewer")
    history = request.history if request.history is not None else ledger_history(ctx)
    if history.empty:
        return ForecastResult(pd.DataFrame(columns=["sku", "market", "mean"]), history)
    out = forecast_history(
        history,
        horizon_days=request.horizon_days,
        lead_days=request.lead_days,
        callbacks=callbacks,
    )
    if request.sku is not None:
        out = out[out["sku"].astype(str) == request.sku]
    if request.market is not None:
        out = out[out["market"].astype(str) == request.market.upper()]
    scores = None
    if request.backtest_windows > 0:
        scores = backtest(
            history,
            horizon_days=request.horizon_days,
            windows=request.backtest_windows,
            callbacks=callbacks,
        )
    return ForecastResult(out.reset_index(drop=True), history, scores)


def fan(
    history: pd.DataFrame, sku: str, market: str, horizon_days: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return one series' history and its daily forecast (for a fan chart).

    Raises:
        InputError: when the series has no history.
    """
    one = history[(history["sku"].astype(str) == sku) & (history["market"] == market)]
    if one.empty:
        raise InputError(
            "no history for this series", field="--plot", value=f"{sku}:{market}"
        )
    daily = daily_forecast(history, horizon_days=horizon_days)
    daily = daily[(daily["sku"] == sku) & (daily["market"] == market)]
    return one, daily


def read_history_file(path: Path) -> pd.DataFrame:
    """Read a long demand history from CSV (optionally gzipped) or parquet.

    Args:
        path: File with columns ``sku, market, date, units`` (and optionally
            ``stockout``).

    Returns:
        The frame as read.
    """
    name = path.name.lower()
    if not path.exists():
        raise InputError("file not found", record=str(path))
    if name.endswith((".parquet", ".pq")):
        return pd.read_parquet(path)
    if name.endswith((".csv", ".csv.gz")):
        return pd.read_csv(path, dtype={"sku": str, "market": str})
    raise InputError("expected a .csv, .csv.gz or .parquet file", record=str(path))
