"""Planning service: demand -> plan from the pool; store it; apply it once.

The only module of ``worldpool.plan`` that touches the ledger. Every face
(CLI, API, web, MCP, assistant) plans through :func:`make_plan`:

* **Demand.** By default the ledger's own order history, forecast by
  :func:`worldpool.demand.service.forecast_history` (the same source on
  every face); ``PlanRequest.demand`` overrides it with a frame of forecast
  quantiles or of daily sales. ``demand_scale`` makes a what-if.
* **Money.** SKU costs in another currency convert at ``ctx.fx``'s rate in
  force on the planning day.
* **Applying.** :func:`apply_plan` posts every transfer line (idempotency key
  ``plan:<id>:<line>``) and flags the plan applied in ONE transaction: the plan
  applies whole or not at all, and a second apply writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

from worldpool.context import Context, ledger_of
from worldpool.demand.service import forecast_history, ledger_history
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.domain.network import Mode
from worldpool.errors import InputError, UnknownReference
from worldpool.i18n import t
from worldpool.plan.build import SupplyTerms, problem_from_records
from worldpool.plan.callbacks import PlanCallbacks
from worldpool.plan.demand import DemandTable, demand_from_frame, demand_from_quantiles
from worldpool.plan.params import PlanParams
from worldpool.plan.result import Plan
from worldpool.plan.solve import solve

__all__ = [
    "MAX_DAILY_UNITS",
    "ApplyResult",
    "PlanOutcome",
    "PlanRequest",
    "apply_plan",
    "get_plan",
    "make_plan",
    "plan_demand",
]

MAX_DAILY_UNITS = 1e9
"""Largest daily demand (mean or spread) a plan takes, in units."""


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What to plan: demand source, scale, hub, day, terms and settings."""

    demand: pd.DataFrame | DemandTable | None = None
    """Forecast quantiles or daily sales (or a ready table); None: forecast
    the ledger's own history."""
    demand_scale: float = 1.0
    """Multiply demand by this (a what-if), dimensionless."""
    horizon_days: int = 28
    """Window of the forecast quantiles, in days."""
    hub: str | None = None
    """Origin hub id (default: the catalog's first hub)."""
    as_of: date | None = None
    """Planning day (default: today, UTC)."""
    terms: SupplyTerms = field(default_factory=SupplyTerms)
    """Margins, packs, MOQs, supplier lead times, budget."""
    params: PlanParams = field(default_factory=PlanParams)
    """Policy and solver settings."""
    seed: int = 0
    """Solver seed."""
    what_if: bool = False
    """True: solve and return the plan but do not store it."""


@dataclass(frozen=True, slots=True, eq=False)
class PlanOutcome:
    """A plan and what happened to it."""

    plan: Plan
    """The plan value (lines with their why, costs, summary)."""
    stored: bool
    """True when this call stored it as a new draft."""
    status: str
    """``draft`` (stored now or before) or ``what-if`` (not stored)."""


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What applying a plan wrote."""

    plan_id: str
    """The plan id."""
    posted: int
    """Transfer movements newly written."""
    duplicates: int
    """Lines already in the journal (no-ops)."""
    rejected: tuple[str, ...]
    """One message per line the ledger refused (e.g. stock moved meanwhile)."""
    already_applied: bool
    """True when the plan had been applied before; nothing was written."""

    def summary(self) -> str:
        """Return one line for the CLI."""
        if self.already_applied:
            return f"{self.plan_id} was applied before; nothing written."
        return (
            f"{self.plan_id}: {self.posted} transfers posted, "
            f"{self.duplicates} already there, {len(self.rejected)} refused."
        )


def plan_demand(ctx: Context, request: PlanRequest) -> DemandTable:
    """Return the demand a request plans on, scaled and checked.

    Raises:
        InputError: naming ``demand`` when rows are malformed, the ledger has
            no shipment to forecast from, or scaled demand is out of range.
    """
    if request.demand is None:
        history = ledger_history(ctx)
        quantiles = forecast_history(history, horizon_days=request.horizon_days)
        table = demand_from_quantiles(quantiles, history=history)
    elif isinstance(request.demand, DemandTable):
        table = request.demand
    else:
        table = _frame_demand(request.demand, request.horizon_days)
    table = table.scaled(request.demand_scale)
    moments = np.concatenate([table.mean, table.std])
    if not (np.isfinite(moments) & (moments <= MAX_DAILY_UNITS)).all():
        raise InputError(
            t(
                "daily demand mean and spread must be at most {limit} units "
                "(after demand_scale)",
                ctx.language,
                limit=f"{MAX_DAILY_UNITS:.0e}",
            ),
            record="plan",
            field="demand",
        )
    return table


def _frame_demand(frame: pd.DataFrame, horizon_days: int) -> DemandTable:
    try:
        return demand_from_frame(frame, horizon_days=horizon_days)
    except InputError as exc:
        field_ = f"demand.{exc.field}" if exc.field else "demand"
        raise InputError(exc.message, record="plan", field=field_) from None
    except (ValueError, TypeError, KeyError) as exc:
        # A date or a number that does not parse: pandas says which value.
        raise InputError(str(exc), record="plan", field="demand") from None


def _hub(ctx: Context, hub: str | None) -> str:
    hubs = [h.id for h in ctx.catalog.hubs()]
    if hub is not None and hub not in hubs:
        raise InputError(
            t(
                "not an origin hub; expected one of {hubs}",
                ctx.language,
                hubs=", ".join(hubs),
            ),
            record="plan",
            field="hub",
            value=hub,
        )
    return hub or hubs[0]


def make_plan(
    ctx: Context, request: PlanRequest, *, callbacks: PlanCallbacks | None = None
) -> PlanOutcome:
    """Solve a plan from the pool and store it as a draft (unless a what-if).

    Args:
        ctx: The application context (operator role to store).
        request: What to plan.
        callbacks: Progress hooks (a CLI progress bar).

    Raises:
        InputError: bad demand rows, hub, terms or settings.
        Forbidden: storing a plan needs the operator role.
    """
    if not request.what_if:
        ctx.require("operator")
    ledger = ledger_of(ctx)
    demand = plan_demand(ctx, request)
    wanted = set(demand.sku)
    skus = [ledger.sku(s) for s in ledger.skus() if s in wanted]
    problem = problem_from_records(
        ctx.catalog,
        skus,
        ledger.balances(),
        demand,
        hub=_hub(ctx, request.hub),
        as_of=request.as_of or datetime.now(UTC).date(),
        terms=request.terms,
        fx=ctx.fx,
    )
    plan = solve(problem, request.params, request.seed, callbacks)
    if request.what_if:
        return PlanOutcome(plan, stored=False, status="what-if")
    return PlanOutcome(plan, stored=_save(ctx, plan), status="draft")


def _save(ctx: Context, plan: Plan) -> bool:
    row = {
        "id": plan.id,
        "fingerprint": plan.fingerprint,
        "as_of": plan.as_of,
        "hub": plan.hub,
        "status": "draft",
        "summary": plan.summary(),
        "payload": json.dumps(plan.to_dict()),
        "created_at": datetime.now(UTC),
    }
    return ledger_of(ctx).save_plan_row(row)


def get_plan(ctx: Context, plan_id: str) -> dict[str, Any]:
    """Return a stored plan as plain data (with ``status``).

    Raises:
        UnknownReference: when no plan has this id.
    """
    row = ledger_of(ctx).plan_row(plan_id)
    if row is None:
        raise UnknownReference("no such plan", record="plan", value=plan_id)
    data: dict[str, Any] = json.loads(str(row["payload"]))
    data["status"] = row["status"]
    return data


def _movements(ctx: Context, data: dict[str, Any]) -> list[Movement]:
    out = []
    for n, line in enumerate(data["transfers"], start=1):
        lanes = ctx.catalog.lanes_between(line["hub"], line["fc"], Mode(line["mode"]))
        m = Movement(
            MovementKind.TRANSFER_OUT,
            line["sku"],
            line["fc"],
            int(line["qty"]),
            line["why"][:500],
            data["id"],
            f"plan:{data['id']}:{n}",
            from_node=line["hub"],
            lane=lanes[0].id if lanes else None,
        )
        out.append(m)
    return out


def apply_plan(ctx: Context, plan_id: str) -> ApplyResult:
    """Post the plan's transfers and flag it applied, in one transaction.

    A line the pool can no longer serve (stock moved since planning) is rolled
    back alone and reported in ``rejected``; the other lines and the plan's
    status commit together, so a crash never leaves a plan half applied.

    Raises:
        UnknownReference: when no plan of the context's seller has this id.
        Forbidden: applying needs the operator role.
    """
    ctx.require("operator")
    data = get_plan(ctx, plan_id)
    if data["status"] == "applied":
        return ApplyResult(plan_id, 0, 0, (), already_applied=True)
    # One transaction: the transfers and the plan's status commit together; a
    # line the ledger refuses (stock moved meanwhile) is rolled back alone.
    done = ledger_of(ctx).apply_plan(plan_id, _movements(ctx, data))
    rejected = tuple(str(err) for _, err in done.rejected)
    return ApplyResult(
        plan_id,
        done.posted,
        done.duplicates,
        rejected,
        already_applied=done.already_applied,
    )
