"""``/twin``: simulate fulfilment policies on a small inline demand history."""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter

from worldpool.interfaces.api.deps import ReadCtx
from worldpool.interfaces.api.errors import AUTH
from worldpool.interfaces.api.schemas import MAX_TWIN_SKUS, TwinRequest
from worldpool.sim.service import TwinRequest as TwinCall
from worldpool.sim.service import simulate_policies

__all__ = ["router"]

router = APIRouter(prefix="/twin", tags=["twin"], responses=AUTH)


@router.post(
    "/simulate",
    response_model=dict[str, Any],
    description=(
        "Replay a daily demand history (rows of date, sku, market, units) under "
        "the chosen policies (split, pool, ffo, and the oracle bound) and return "
        "the comparison: every policy at its best, at split's fill rate and at "
        "split's inventory, plus the pool-vs-split headline ratios. At most "
        f"{MAX_TWIN_SKUS} SKUs per request; the body is limited to 5 MB (about "
        "75,000 rows), so send only days with sales: missing days are zero "
        "demand. The history must cover warmup_days + 28 days. Markets are "
        "marketplace ids or Online Retail countries; stores_as maps other "
        "labels. Read scope."
    ),
)
def simulate(body: TwinRequest, ctx: ReadCtx) -> dict[str, Any]:
    """Compare fulfilment policies on an inline demand history."""
    request = TwinCall(
        demand=pd.DataFrame([r.model_dump() for r in body.demand]),
        policies=tuple(body.policies),
        seed=body.seed,
        currency=body.currency,
        fx_rate=body.fx_rate,
        stores_as=body.stores_as,
        iterations=body.iterations,
        warmup_days=body.warmup_days,
    )
    return simulate_policies(ctx, request).comparison.to_dict()
