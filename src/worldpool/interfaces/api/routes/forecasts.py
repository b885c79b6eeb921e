"""``/forecasts``: demand quantiles per (SKU, market) from the ledger's shipments."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Annotated, Any

from fastapi import APIRouter, Query

from worldpool.demand.service import ForecastRequest, forecast
from worldpool.interfaces.api.deps import ReadCtx
from worldpool.interfaces.api.errors import AUTH
from worldpool.interfaces.api.schemas import ForecastPublic

__all__ = ["router"]

router = APIRouter(prefix="/forecasts", tags=["forecasts"], responses=AUTH)


def _public(row: dict[Hashable, Any], qcols: list[str]) -> ForecastPublic:
    return ForecastPublic(
        sku=str(row["sku"]),
        market=str(row["market"]),
        horizon_start=str(row["horizon_start"]),
        horizon_days=int(row["horizon_days"]),
        lead_days=int(row["lead_days"]),
        mean=float(row["mean"]),
        quantiles={c: float(row[c]) for c in qcols},
        model=str(row["model"]),
        segment=str(row["segment"]),
        abc=str(row["abc"]),
        source=str(row["source"]),
        why=str(row["why"]),
    )


@router.get("", response_model=list[ForecastPublic])
def forecasts(
    ctx: ReadCtx,
    horizon_days: Annotated[
        int, Query(ge=1, le=365, description="Days in the window (lead + review)")
    ] = 28,
    lead_days: Annotated[
        int, Query(ge=0, le=365, description="Days before the window starts")
    ] = 0,
    sku: Annotated[str | None, Query(max_length=64)] = None,
    market: Annotated[str | None, Query(max_length=8)] = None,
) -> list[ForecastPublic]:
    """Quantiles (P50-P99) of demand over a window, for every series that shipped."""
    request = ForecastRequest(
        horizon_days=horizon_days, lead_days=lead_days, sku=sku, market=market
    )
    frame = forecast(ctx, request).frame
    qcols = [c for c in frame.columns if c[:1] == "p" and c[1:].isdigit()]
    return [_public(r, qcols) for r in frame.to_dict("records")]
