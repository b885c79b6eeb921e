"""Demand service: ledger ship movements → daily history → forecast.

The only module of ``worldpool.demand`` that touches the ledger. It reads the
journal (read-only) and hands plain frames to the pure core.

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
from typing import Any, cast

import pandas as pd

from worldpool.catalog import Catalog
from worldpool.demand.forecast import forecast
from worldpool.demand.params import ForecastCallbacks, ForecastParams
from worldpool.domain.inventory import MovementKind
from worldpool.domain.network import NodeKind
from worldpool.errors import InputError
from worldpool.ledger import Ledger

__all__ = [
    "LedgerHistory",
    "forecast_from_ledger",
    "history_from_ledger",
    "ledger_forecasts",
    "on_hand_deltas",
    "read_history_file",
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


def _journal(ledger: Ledger) -> pd.DataFrame:
    rows = ledger.movement_rows()  # this seller's journal, oldest first
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


def _stockouts(journal: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """(sku, market, date) days on which every stocked FC of the market was empty."""
    deltas = []
    for r in journal.to_dict("records"):
        off = int(r["damaged"]) + int(r["short"])
        pairs = on_hand_deltas(
            str(r["kind"]), str(r["node"]), r["from_node"], int(r["qty"]), off
        )
        deltas += [(r["sku"], node, r["date"], d) for node, d in pairs if d]
    if not deltas:
        return pd.DataFrame(columns=["sku", "market", "date", "stockout"])
    d = pd.DataFrame(deltas, columns=["sku", "node", "date", "delta"])
    d = d[d["node"].map(lambda n: catalog.nodes[n].kind is NodeKind.FC)]
    daily = d.groupby(["sku", "node", "date"])["delta"].sum().unstack(["sku", "node"])
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


def history_from_ledger(ledger: Ledger) -> LedgerHistory:
    """Build the daily demand history of every (sku, market) from the journal.

    Args:
        ledger: An open ledger.

    Returns:
        The long history (units shipped per day, stock-out flag) and the count
        of ship movements whose market is unknown.
    """
    journal = _journal(ledger)
    ships = journal[journal["kind"] == MovementKind.SHIP.value].copy()
    ships["market"] = [
        _market_of(n, r, ledger.catalog)
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
    flags = _stockouts(journal, ledger.catalog)
    frame = units.merge(flags, on=["sku", "market", "date"], how="outer")
    frame = frame[frame["sku"].isin(units["sku"])]
    frame["units"] = frame["units"].fillna(0).astype("int64")
    frame["stockout"] = frame["stockout"].astype("boolean").fillna(False).astype(bool)
    frame = frame.sort_values(["sku", "market", "date"], ignore_index=True)
    return LedgerHistory(frame=frame, unplaced_ships=unplaced)


def forecast_from_ledger(
    ledger: Ledger,
    *,
    horizon_days: int = 28,
    lead_days: int = 0,
    params: ForecastParams | None = None,
    callbacks: ForecastCallbacks | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Forecast every (sku, market) that has shipped, from the ledger's journal.

    Args:
        ledger: An open ledger.
        horizon_days: Days in the window, in days.
        lead_days: Days from tomorrow to the window start, in days.
        params: Pipeline settings.
        callbacks: Progress hooks.
        **kwargs: Passed to :func:`worldpool.demand.forecast` (cold-start
            pairs, categories ...).

    Returns:
        The forecast frame of :func:`worldpool.demand.forecast`.
    """
    history = history_from_ledger(ledger)
    out: pd.DataFrame = forecast(
        history.frame,
        horizon_days=horizon_days,
        lead_days=lead_days,
        params=params,
        callbacks=callbacks,
        **kwargs,
    )
    return out


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


def ledger_forecasts(
    ledger: Ledger,
    *,
    horizon_days: int = 28,
    lead_days: int = 0,
    sku: str | None = None,
    market: str | None = None,
) -> pd.DataFrame:
    """Forecast the ledger's shipped series; keep one SKU and/or market if named.

    Every series is forecast (cold start and categories see the whole pool),
    then the rows are filtered. A journal without shipments gives no rows.

    Args:
        ledger: An open ledger.
        horizon_days: Days in the window, in days.
        lead_days: Days from tomorrow to the window start, in days.
        sku: Keep only this SKU id.
        market: Keep only this marketplace id.

    Returns:
        The frame of :func:`worldpool.demand.forecast` (possibly empty).
    """
    history = history_from_ledger(ledger).frame
    if history.empty:
        return pd.DataFrame(columns=["sku", "market", "mean"])
    out: pd.DataFrame = forecast(
        history, horizon_days=horizon_days, lead_days=lead_days
    )
    if sku is not None:
        out = out[out["sku"].astype(str) == sku]
    if market is not None:
        out = out[out["market"].astype(str) == market]
    return out.reset_index(drop=True)
