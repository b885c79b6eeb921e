"""``/twin``: simulate fulfilment policies on a small inline demand history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from fastapi import APIRouter

from worldpool.catalog import Catalog
from worldpool.errors import InputError
from worldpool.interfaces.api.deps import LedgerDep, ReadKey
from worldpool.interfaces.api.errors import AUTH
from worldpool.interfaces.api.schemas import MAX_TWIN_SKUS, TwinRequest
from worldpool.sim import (
    BuildParams,
    CompareParams,
    Comparison,
    EchelonPolicy,
    FfoPolicy,
    PoolPolicy,
    ReplenishmentPolicy,
    SimParams,
    SplitPolicy,
    compare,
    scenario_from_frame,
)

__all__ = ["router"]

router = APIRouter(prefix="/twin", tags=["twin"], responses=AUTH)

_ORACLE_SKUS = 30
"""SKUs the clairvoyant LP bound is solved on (a sample), as in the CLI."""


def _policies(names: Sequence[str]) -> list[ReplenishmentPolicy]:
    made: dict[str, ReplenishmentPolicy] = {
        "split": SplitPolicy(),
        "pool": PoolPolicy(),
        "echelon": EchelonPolicy(),
        "ffo": FfoPolicy(),
    }
    chosen = [made[n] for n in dict.fromkeys(names) if n in made]
    if not chosen:
        raise InputError(
            "name at least one of split, pool, echelon, ffo besides oracle",
            record="twin",
            field="policies",
            value=names,
        )
    return chosen


def _compare(body: TwinRequest, catalog: Catalog) -> Comparison:
    frame = pd.DataFrame([r.model_dump() for r in body.demand])
    build = BuildParams(
        fx_rate=body.fx_rate, currency=body.currency, stores_as=body.stores_as
    )
    try:
        scenario = scenario_from_frame(frame, catalog, build)
    except ValueError as exc:
        raise InputError(str(exc), record="twin", field="demand") from None
    oracle = _ORACLE_SKUS if "oracle" in body.policies else 0
    sim = SimParams(warmup_days=body.warmup_days, window_days=body.warmup_days)
    params = CompareParams(iterations=body.iterations, oracle_skus=oracle)
    return compare(scenario, _policies(body.policies), params, sim, seed=body.seed)


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
def simulate(body: TwinRequest, ledger: LedgerDep, _key: ReadKey) -> dict[str, Any]:
    """Compare fulfilment policies on an inline demand history."""
    return _compare(body, ledger.catalog).to_dict()
