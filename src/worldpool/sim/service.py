"""Twin service: a demand history -> scenario -> policies compared side by side.

Every face runs the digital twin through :func:`simulate_policies`: the
policy registry, the size of the clairvoyant bound, the FX rate of prices and
the mapping of bad input to :class:`~worldpool.errors.InputError` live here
once. The twin reads no ledger state (it replays a history), so it writes
nothing; prices convert from the catalog's USD at ``ctx.fx``'s rate in force
on the last day of the history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from worldpool.context import Context
from worldpool.errors import InputError
from worldpool.i18n import t
from worldpool.sim.build import BuildParams, read_demand, scenario_from_frame
from worldpool.sim.callbacks import SimCallbacks
from worldpool.sim.compare import Comparison, compare
from worldpool.sim.params import CompareParams, SimParams
from worldpool.sim.policies import EchelonPolicy, FfoPolicy, SplitPolicy
from worldpool.sim.pool import PoolPolicy
from worldpool.sim.protocol import ReplenishmentPolicy
from worldpool.sim.scenario import Scenario

__all__ = [
    "ORACLE_SKUS",
    "POLICIES",
    "TwinRequest",
    "TwinResult",
    "simulate_policies",
]

POLICIES: dict[str, Callable[[], ReplenishmentPolicy]] = {
    "split": SplitPolicy,
    "pool": PoolPolicy,
    "echelon": EchelonPolicy,
    "ffo": FfoPolicy,
}
"""Policies by name; ``oracle`` (the clairvoyant LP bound) is asked for besides."""

ORACLE_SKUS = 30
"""SKUs the clairvoyant LP bound is solved on (a sample)."""


@dataclass(frozen=True, slots=True)
class TwinRequest:
    """A demand history and what to compare on it."""

    demand: pd.DataFrame | Path
    """Long daily demand ``sku, market, date, units`` (a frame, a CSV file, or
    a folder holding ``daily_units_long.csv.gz``)."""
    policies: tuple[str, ...] = ("split", "pool", "ffo", "oracle")
    """Names from :data:`POLICIES`, plus ``oracle`` for the bound."""
    skus: int = 0
    """Sample this many SKUs (0: all)."""
    seed: int = 0
    """Seed of transit draws and samples."""
    currency: str = "USD"
    """ISO 4217 code of prices in the history and of every result."""
    fx_rate: float | None = None
    """Price currency per USD; None: ``ctx.fx``'s rate on the history's last day."""
    stores_as: str | None = None
    """Marketplace whose lanes non-marketplace markets (stores) use."""
    iterations: int | None = None
    """Tuning steps of the equal-service search (None: the default)."""
    warmup_days: int | None = None
    """Days before KPIs count (None: the default)."""


@dataclass(frozen=True, slots=True, eq=False)
class TwinResult:
    """The comparison and the scenario it ran on (for the HTML report)."""

    comparison: Comparison
    """Every policy at its best, at split's fill and at split's stock."""
    scenario: Scenario
    """The scenario built from the history."""


def _policies(names: tuple[str, ...], language: str) -> list[ReplenishmentPolicy]:
    unknown = sorted(set(names) - {*POLICIES, "oracle"})
    chosen = [POLICIES[n]() for n in dict.fromkeys(names) if n in POLICIES]
    if unknown or not chosen:
        known = ", ".join([*POLICIES, "oracle"])
        raise InputError(
            t(
                "name at least one of {policies} (oracle besides); known: {known}",
                language,
                policies=", ".join(POLICIES),
                known=known,
            ),
            record="twin",
            field="policies",
            value=",".join(names),
        )
    return chosen


def _frame(demand: pd.DataFrame | Path, skus: int, seed: int) -> pd.DataFrame:
    if isinstance(demand, Path):
        path = demand / "daily_units_long.csv.gz" if demand.is_dir() else demand
        if not path.is_file():
            raise InputError(
                "file not found", record="twin", field="demand", value=str(path)
            )
        frame = read_demand(path)
    else:
        frame = demand.assign(date=pd.to_datetime(demand["date"]))
    if skus:
        ids = frame["sku"].drop_duplicates()
        keep = ids.sample(min(skus, len(ids)), random_state=seed)
        frame = frame[frame["sku"].isin(set(keep))]
    return frame


def _fx_rate(ctx: Context, request: TwinRequest, frame: pd.DataFrame) -> float:
    if request.fx_rate is not None:
        return request.fx_rate
    day = pd.Timestamp(frame["date"].max()).date()
    rate = ctx.fx.rate("USD", request.currency, day)
    if rate is None:
        raise InputError(
            t(
                "no USD/{currency} rate in the FX table; add one to your FX file "
                "(WORLDPOOL_FX_FILE)",
                ctx.language,
                currency=request.currency,
            ),
            record="twin",
            field="currency",
            value=request.currency,
        )
    return float(rate.rate)


def simulate_policies(
    ctx: Context, request: TwinRequest, *, callbacks: SimCallbacks | None = None
) -> TwinResult:
    """Replay a demand history under the policies and compare them.

    Args:
        ctx: The application context (catalog, FX table).
        request: History, policies, sample, currency.
        callbacks: Progress hooks (one per simulation run).

    Raises:
        InputError: naming ``policies``, ``demand`` or ``currency``.
    """
    ctx.require("viewer")
    policies = _policies(request.policies, ctx.language)
    frame = _frame(request.demand, request.skus, request.seed)
    build = BuildParams(
        fx_rate=_fx_rate(ctx, request, frame),
        currency=request.currency,
        stores_as=request.stores_as,
    )
    try:
        scenario = scenario_from_frame(frame, ctx.catalog, build)
    except (ValueError, KeyError) as exc:
        raise InputError(str(exc), record="twin", field="demand") from None
    oracle = ORACLE_SKUS if "oracle" in request.policies else 0
    cmp = CompareParams(oracle_skus=oracle)
    if request.iterations is not None:
        cmp = CompareParams(iterations=request.iterations, oracle_skus=oracle)
    sim = None
    if request.warmup_days is not None:
        sim = SimParams(
            warmup_days=request.warmup_days, window_days=request.warmup_days
        )
    result = compare(
        scenario, policies, cmp, sim, seed=request.seed, callbacks=callbacks
    )
    return TwinResult(result, scenario)
