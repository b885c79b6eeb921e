"""Planning service: ledger + catalog + demand -> plan; store it; apply it once.

The only module of ``worldpool.plan`` that touches the ledger. Applying a plan
posts one ``TRANSFER_OUT`` movement per transfer line with the idempotency key
``plan:<id>:<line>``, then flags the plan applied: a second apply writes
nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from worldpool.demand.forecast import forecast
from worldpool.demand.service import history_from_ledger
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.domain.network import Mode
from worldpool.errors import InputError, UnknownReference
from worldpool.ledger import Ledger
from worldpool.plan.build import SupplyTerms, problem_from_records
from worldpool.plan.callbacks import PlanCallbacks
from worldpool.plan.demand import DemandTable, demand_from_quantiles
from worldpool.plan.params import PlanParams
from worldpool.plan.result import Plan
from worldpool.plan.solve import solve

__all__ = [
    "ApplyResult",
    "apply_plan",
    "get_plan",
    "ledger_demand",
    "make_plan",
    "save_plan",
]


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


def make_plan(
    ledger: Ledger,
    demand: DemandTable,
    *,
    hub: str | None = None,
    as_of: date | None = None,
    terms: SupplyTerms | None = None,
    params: PlanParams | None = None,
    seed: int = 0,
    callbacks: PlanCallbacks | None = None,
) -> Plan:
    """Read SKUs and balances from the ledger and solve the plan (not stored).

    Args:
        ledger: The open ledger.
        demand: Daily demand moments per (sku, market).
        hub: Origin hub id (default: the catalog's first hub).
        as_of: Planning day (default: today, UTC).
        terms: Margins, packs, MOQs, supplier lead times, budget.
        params: Policy and solver settings.
        seed: Solver seed.
        callbacks: Progress hooks.
    """
    hub_id = hub or ledger.catalog.hubs()[0].id
    wanted = set(demand.sku)
    skus = [ledger.sku(s) for s in ledger.skus() if s in wanted]
    problem = problem_from_records(
        ledger.catalog,
        skus,
        ledger.balances(),
        demand,
        hub=hub_id,
        as_of=as_of or datetime.now(UTC).date(),
        terms=terms,
    )
    return solve(problem, params, seed, callbacks)


def save_plan(ledger: Ledger, plan: Plan) -> bool:
    """Store ``plan`` as a draft; return False when that id is stored already."""
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
    return ledger.save_plan_row(row)


def get_plan(ledger: Ledger, plan_id: str) -> dict[str, Any]:
    """Return a stored plan as plain data (with ``status``).

    Raises:
        UnknownReference: when no plan has this id.
    """
    row = ledger.plan_row(plan_id)
    if row is None:
        raise UnknownReference("no such plan", record="plan", value=plan_id)
    data: dict[str, Any] = json.loads(str(row["payload"]))
    data["status"] = row["status"]
    return data


def _movements(ledger: Ledger, data: dict[str, Any]) -> list[Movement]:
    out = []
    for n, line in enumerate(data["transfers"], start=1):
        lanes = ledger.catalog.lanes_between(
            line["hub"], line["fc"], Mode(line["mode"])
        )
        out.append(
            Movement(
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
        )
    return out


def apply_plan(ledger: Ledger, plan_id: str) -> ApplyResult:
    """Post the plan's transfers as idempotent movements; a plan applies once.

    Raises:
        UnknownReference: when no plan has this id.
    """
    data = get_plan(ledger, plan_id)
    if data["status"] == "applied":
        return ApplyResult(plan_id, 0, 0, (), already_applied=True)
    # One transaction: the transfers and the plan's status commit together.
    done = ledger.apply_plan(plan_id, _movements(ledger, data))
    rejected = tuple(str(err) for _, err in done.rejected)
    return ApplyResult(
        plan_id,
        done.posted,
        done.duplicates,
        rejected,
        already_applied=done.already_applied,
    )


def ledger_demand(ledger: Ledger, *, horizon_days: int = 28) -> DemandTable:
    """Forecast the ledger's shipped demand and return it as planner input.

    Args:
        ledger: The open ledger.
        horizon_days: Window of the forecast quantiles, in days.

    Raises:
        InputError: when the journal holds no shipment to forecast from.
    """
    history = history_from_ledger(ledger).frame
    if history.empty:
        raise InputError(
            "the ledger holds no shipped orders to forecast from; send demand rows",
            record="plan",
            field="demand",
        )
    return demand_from_quantiles(forecast(history, horizon_days=horizon_days))
