"""Forecasts (plot per SKU x market) and Plans (run, review, compare, approve)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from worldpool.errors import Forbidden, WorldpoolError
from worldpool.interfaces.web import _services as svc
from worldpool.interfaces.web._auth import Actor, Writer
from worldpool.interfaces.web._render import explain, page

__all__ = ["router"]

router = APIRouter(prefix="/ui")


@router.get("/forecasts")
def forecasts(
    request: Request, actor: Actor, sku: str = "", market: str = ""
) -> Response:
    """A SKU x market's daily history with the forecast's P10-P90 band and P50."""
    series = None
    if sku and market:
        found = svc.forecast_series(actor.ctx, sku, market)
        series = asdict(found) if found is not None else None
    return page(
        request,
        "forecasts.html",
        sku=sku,
        market=market,
        series=series,
        catalog=actor.ctx.catalog,
    )


@router.get("/plans")
def plans(request: Request, actor: Actor) -> Response:
    """Stored plans, newest first, with a button to run a new one."""
    return page(request, "plans.html", plans=svc.list_plans(actor.ctx), error=None)


@router.post("/plans")
def run(request: Request, actor: Writer) -> Response:
    """Forecast, solve and store a draft plan; then show it."""
    try:
        plan_id = svc.run_plan(actor.ctx)
    except WorldpoolError as exc:
        return page(
            request,
            "plans.html",
            422,
            plans=svc.list_plans(actor.ctx),
            error=explain(request, exc),
        )
    return RedirectResponse(f"/ui/plans/{plan_id}", status_code=303)


@router.get("/plans/{plan_id}")
def plan(request: Request, actor: Actor, plan_id: str, error: str = "") -> Response:
    """A plan's lines with their reasons, compared with the previous plan."""
    try:
        data = svc.plan_detail(actor.ctx, plan_id)
    except WorldpoolError as exc:
        return page(request, "_message.html", 404, error=explain(request, exc))
    diff = svc.compare_plan(actor.ctx, data)
    return page(
        request, "plan.html", plan=data, diff=diff, error=error or None, applied=None
    )


@router.post("/plans/{plan_id}/approve")
def approve(request: Request, actor: Writer, plan_id: str) -> Response:
    """Approve the plan: its transfers are posted to the journal."""
    try:
        result = svc.approve_plan(actor.ctx, plan_id)
    except WorldpoolError as exc:
        data = svc.plan_detail(actor.ctx, plan_id)
        return page(
            request,
            "plan.html",
            403 if isinstance(exc, Forbidden) else 422,
            plan=data,
            diff=svc.compare_plan(actor.ctx, data),
            error=explain(request, exc),
            applied=None,
        )
    data = svc.plan_detail(actor.ctx, plan_id)
    return page(
        request,
        "plan.html",
        plan=data,
        diff=svc.compare_plan(actor.ctx, data),
        error=None,
        applied=result,
    )


@router.post("/plans/{plan_id}/reject")
def reject(request: Request, actor: Writer, plan_id: str) -> Response:
    """Reject a draft plan."""
    try:
        svc.reject_plan(actor.ctx, plan_id)
    except WorldpoolError as exc:
        return RedirectResponse(f"/ui/plans/{plan_id}?error={exc}", status_code=303)
    return RedirectResponse(f"/ui/plans/{plan_id}", status_code=303)
