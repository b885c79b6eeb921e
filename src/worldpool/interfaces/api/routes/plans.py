"""``/plans``: make a plan from the pool, read it, apply it once, show its report."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse

from worldpool.errors import InputError
from worldpool.interfaces.api.deps import LedgerDep, PlansDep, ReadKey, WriteKey
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND, json_errors, not_found
from worldpool.interfaces.api.schemas import (
    ApplyPublic,
    PlanCreate,
    PlanCreated,
    PlanSettingsIn,
    TermsIn,
)
from worldpool.ledger import Ledger
from worldpool.plan import PlanParams
from worldpool.plan.build import SupplyTerms
from worldpool.plan.demand import DemandTable, demand_from_frame
from worldpool.plan.service import (
    apply_plan,
    get_plan,
    ledger_demand,
    make_plan,
    save_plan,
)
from worldpool.report.plan_report import plan_html

__all__ = ["router"]

router = APIRouter(prefix="/plans", tags=["plans"], responses=AUTH)

MAX_DAILY_UNITS = 1e9
"""Largest daily demand (mean or standard deviation) a plan takes, in units."""


def _params(settings: PlanSettingsIn) -> PlanParams:
    try:
        return PlanParams(**settings.model_dump(exclude_unset=True, exclude_none=True))
    except InputError as exc:
        # Point the 422 at the body's own path (plan.<setting>).
        field = f"plan.{exc.field}" if exc.field else "plan"
        raise InputError(
            exc.message, record="plan", field=field, value=exc.value
        ) from None


def _hub(ledger: Ledger, hub: str | None) -> str | None:
    hubs = [h.id for h in ledger.catalog.hubs()]
    if hub is not None and hub not in hubs:
        raise InputError(
            f"not an origin hub; expected one of {', '.join(hubs)}",
            record="plan",
            field="hub",
            value=hub,
        )
    return hub


def _terms(t: TermsIn) -> SupplyTerms:
    values = t.model_dump()
    values["budget"] = float("inf") if t.budget is None else t.budget
    return SupplyTerms(**values)


def _rows_demand(rows: list[dict[str, str | float | int]]) -> DemandTable:
    try:
        return demand_from_frame(pd.DataFrame(rows))
    except InputError as exc:
        field = f"demand.{exc.field}" if exc.field else "demand"
        raise InputError(exc.message, record="plan", field=field) from None
    except (ValueError, TypeError) as exc:
        # A date or a number that does not parse: pandas says which value.
        raise InputError(str(exc), record="plan", field="demand") from None


def _demand(ledger: Ledger, body: PlanCreate) -> DemandTable:
    if body.demand is None:
        table = ledger_demand(ledger, horizon_days=body.horizon_days)
    else:
        table = _rows_demand(body.demand)
    k = body.demand_scale
    moments = np.concatenate([table.mean * k, table.std * k])
    if not (np.isfinite(moments) & (moments <= MAX_DAILY_UNITS)).all():
        raise InputError(
            f"daily demand mean and spread must be at most {MAX_DAILY_UNITS:.0e} "
            "units (after demand_scale)",
            record="plan",
            field="demand",
        )
    return DemandTable(
        table.sku,
        table.market,
        table.mean * k,
        table.std * k,
        table.history_days,
        table.history_units,
    )


@router.post("", response_model=PlanCreated, status_code=201)
def create(
    body: PlanCreate, ledger: LedgerDep, plans: PlansDep, _key: WriteKey
) -> PlanCreated:
    """Plan transfers and purchase orders; stored as a draft unless a what-if."""
    plan = make_plan(
        ledger,
        _demand(ledger, body),
        hub=_hub(ledger, body.hub),
        as_of=body.as_of,
        terms=_terms(body.terms),
        params=_params(body.plan),
        seed=body.seed,
    )
    stored = False if body.what_if else save_plan(ledger, plan)
    plans.put(plan)
    return PlanCreated(
        id=plan.id,
        status="what-if" if body.what_if else "draft",
        stored=stored,
        summary=plan.summary(),
        plan=plan.to_dict(body.limit),
    )


@router.get("/{plan_id}", response_model=dict[str, Any], responses=NOT_FOUND)
def read(plan_id: str, ledger: LedgerDep, _key: ReadKey) -> dict[str, Any]:
    """A stored plan as plain data: lines with their why, costs, ``status``."""
    with not_found():
        return get_plan(ledger, plan_id)


@router.post("/{plan_id}/apply", response_model=ApplyPublic, responses=NOT_FOUND)
def apply(plan_id: str, ledger: LedgerDep, _key: WriteKey) -> ApplyPublic:
    """Post the plan's transfers to the ledger; a second apply writes nothing."""
    with not_found():
        r = apply_plan(ledger, plan_id)
    return ApplyPublic(
        plan_id=r.plan_id,
        posted=r.posted,
        duplicates=r.duplicates,
        rejected=list(r.rejected),
        already_applied=r.already_applied,
    )


@router.get(
    "/{plan_id}/report",
    response_class=HTMLResponse,
    responses=json_errors({**AUTH, **NOT_FOUND}),
)
def report(
    plan_id: str, plans: PlansDep, ledger: LedgerDep, _key: ReadKey
) -> HTMLResponse:
    """The plan's HTML report with charts (plans made by this server process)."""
    plan = plans.get(plan_id)
    # The cache is per process, not per seller: show only the key's own plans.
    if plan is None or ledger.plan_row(plan_id) is None:
        raise HTTPException(
            404,
            f"no report for {plan_id!r}: this server keeps the reports of the "
            "plans it made since it started (CLI: worldpool plan --html)",
        )
    return HTMLResponse(plan_html(plan))
