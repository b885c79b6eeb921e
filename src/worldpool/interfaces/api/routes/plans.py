"""``/plans``: make a plan from the pool, read it, apply it once, show its report."""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse

from worldpool.errors import InputError, UnknownReference
from worldpool.interfaces.api.deps import PlansDep, ReadCtx, WriteCtx
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND, json_errors, not_found
from worldpool.interfaces.api.schemas import (
    ApplyPublic,
    PlanCreate,
    PlanCreated,
    PlanSettingsIn,
    TermsIn,
)
from worldpool.plan import PlanParams
from worldpool.plan.build import SupplyTerms
from worldpool.plan.service import PlanRequest, apply_plan, get_plan, make_plan
from worldpool.report.plan_report import plan_html

__all__ = ["router"]

router = APIRouter(prefix="/plans", tags=["plans"], responses=AUTH)


def _params(settings: PlanSettingsIn) -> PlanParams:
    try:
        return PlanParams(**settings.model_dump(exclude_unset=True, exclude_none=True))
    except InputError as exc:
        # Point the 422 at the body's own path (plan.<setting>).
        field = f"plan.{exc.field}" if exc.field else "plan"
        raise InputError(
            exc.message, record="plan", field=field, value=exc.value
        ) from None


def _terms(t: TermsIn) -> SupplyTerms:
    values = t.model_dump()
    values["budget"] = float("inf") if t.budget is None else t.budget
    return SupplyTerms(**values)


@router.post("", response_model=PlanCreated, status_code=201)
def create(body: PlanCreate, ctx: WriteCtx, plans: PlansDep) -> PlanCreated:
    """Plan transfers and purchase orders; stored as a draft unless a what-if."""
    request = PlanRequest(
        demand=None if body.demand is None else pd.DataFrame(body.demand),
        demand_scale=body.demand_scale,
        horizon_days=body.horizon_days,
        hub=body.hub,
        as_of=body.as_of,
        terms=_terms(body.terms),
        params=_params(body.plan),
        seed=body.seed,
        what_if=body.what_if,
    )
    outcome = make_plan(ctx, request)
    plans.put(outcome.plan)
    return PlanCreated(
        id=outcome.plan.id,
        status=outcome.status,
        stored=outcome.stored,
        summary=outcome.plan.summary(),
        plan=outcome.plan.to_dict(body.limit),
    )


@router.get("/{plan_id}", response_model=dict[str, Any], responses=NOT_FOUND)
def read(plan_id: str, ctx: ReadCtx) -> dict[str, Any]:
    """A stored plan as plain data: lines with their why, costs, ``status``."""
    with not_found():
        return get_plan(ctx, plan_id)


@router.post("/{plan_id}/apply", response_model=ApplyPublic, responses=NOT_FOUND)
def apply(plan_id: str, ctx: WriteCtx) -> ApplyPublic:
    """Post the plan's transfers in one transaction; a second apply writes nothing.

    The plan applies whole or not at all: when stock moved since planning, the
    request fails (409) and nothing is written.
    """
    with not_found():
        r = apply_plan(ctx, plan_id)
    return ApplyPublic(
        plan_id=r.plan_id,
        posted=r.posted,
        duplicates=r.duplicates,
        # Kept for the response shape: an apply is all-or-nothing now.
        rejected=list(r.rejected),
        already_applied=r.already_applied,
    )


def _own_plan(ctx: ReadCtx, plan_id: str) -> bool:
    try:
        get_plan(ctx, plan_id)
    except UnknownReference:
        return False
    return True


@router.get(
    "/{plan_id}/report",
    response_class=HTMLResponse,
    responses=json_errors({**AUTH, **NOT_FOUND}),
)
def report(plan_id: str, plans: PlansDep, ctx: ReadCtx) -> HTMLResponse:
    """The plan's HTML report with charts (plans made by this server process)."""
    plan = plans.get(plan_id)
    # The cache is per process, not per seller: show only the key's own plans.
    if plan is None or not _own_plan(ctx, plan_id):
        raise HTTPException(
            404,
            f"no report for {plan_id!r}: this server keeps the reports of the "
            "plans it made since it started (CLI: worldpool plan --html)",
        )
    return HTMLResponse(plan_html(plan))
