"""The ONE place the cockpit calls services (the lead fixes call sites here).

Capability services are being converted to ``fn(ctx, request)``; until each
one is, this module adapts: it builds the capability's old argument list from
the request's :class:`~worldpool.context.Context`. Route modules import only
this module (and :mod:`worldpool.cockpit` records), never a capability service.
Heavy optional imports (forecasting, planning, simulation, customs) happen
inside the functions, so the cockpit starts without those extras.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from worldpool import audit, cockpit, inventory, users
from worldpool.cockpit import (
    FileReport,
    InventoryQuery,
    OrderQuery,
    Overview,
    Page,
    PlanDiff,
)
from worldpool.context import Context, ledger_of
from worldpool.users import Login, User

__all__ = [
    "ForecastSeries",
    "approve_plan",
    "authenticate",
    "carrier_accounts",
    "channel_kinds",
    "channel_status",
    "compare_plan",
    "connect_channel",
    "disconnect_channel",
    "forecast_series",
    "get_user",
    "hs_suggest",
    "import_skus",
    "inventory_page",
    "journal",
    "landed_cost",
    "list_plans",
    "order_dead_letters",
    "order_detail",
    "order_page",
    "overview",
    "plan_detail",
    "receive_asn",
    "redrive",
    "reject_plan",
    "run_plan",
    "set_language",
    "ship_order",
    "shipment_pdf",
    "test_channel",
    "twin_run",
]


def get_user(ctx: Context, username: str) -> User | None:
    """Return the enabled user, or None (read on every request)."""
    return users.get_user(ctx, username)


def authenticate(ctx: Context, username: str, password: str) -> User:
    """Check a login (raises Forbidden with one message for every failure)."""
    return users.authenticate(ctx, Login(username, password))


def set_language(ctx: Context, language: str) -> str:
    """Store the user's language."""
    return users.set_language(ctx, language)


def overview(ctx: Context, fresh: bool = False) -> Overview:
    """The Overview page's figures (``fresh``: re-read the pool's totals now)."""
    return cockpit.overview(ctx, fresh=fresh)


def inventory_page(ctx: Context, req: InventoryQuery) -> Page:
    """One page of balances."""
    return cockpit.inventory_page(ctx, req)


def journal(ctx: Context, sku: str, node: str) -> list[Any]:
    """The journal behind a balance."""
    return cockpit.journal(ctx, sku, node)


def import_skus(ctx: Context, path: Path, name: str) -> FileReport:
    """Import an uploaded SKU file (rows accepted = new + updated SKUs)."""
    out = inventory.import_skus(ctx, path, name=name)
    return FileReport(out.posted + out.updated, 0, _problems(out))


def receive_asn(ctx: Context, path: Path, name: str) -> FileReport:
    """Receive an uploaded ASN file (lines posted, lines already posted)."""
    out = inventory.receive_asn(ctx, path, name=name)
    return FileReport(out.posted, out.updated, _problems(out))


def _problems(out: inventory.BatchOutcome) -> list[tuple[int, str | None, str]]:
    return [(p.row or 0, p.field, p.message) for p in out.rejected]


def order_page(ctx: Context, req: OrderQuery) -> Page:
    """One page of orders."""
    return cockpit.order_page(ctx, req)


def _orders(ctx: Context) -> Any:
    from worldpool.orders.service import OrderService

    return OrderService(ledger_of(ctx))


def order_detail(ctx: Context, channel: str, order_id: str) -> dict[str, Any]:
    """Return an order's lines, routing decision (with why) and per-line promise."""
    service = _orders(ctx)
    row = service.get(channel, order_id)
    payload = json.loads(row.payload)
    decision = json.loads(row.decision)
    promises = {}
    for line in payload.get("lines", ()):
        try:
            promises[line["sku"]] = service.promise(line["sku"], row.market)
        except Exception:  # a line of an unknown SKU has no promise to show
            continue
    return {"row": row, "payload": payload, "decision": decision, "promises": promises}


def ship_order(
    ctx: Context, channel: str, order_id: str, carrier: str, tracking: str
) -> str:
    """Ship an open order with carrier + tracking; push them to its channel.

    The same service as ``worldpool channels ship`` and the API: the shipment
    is recorded and audited, and when the order came from a connected channel
    its tracking goes out through the outbox.
    """
    from worldpool.connectors import service as channels

    result = channels.ship(
        ctx, channels.ShipRequest(channel, order_id, carrier, tracking)
    )
    return str(result.status)


def channel_status(ctx: Context) -> list[Any]:
    """Sync health of every channel connection of the seller (lag, queue, errors)."""
    from worldpool.connectors import service as channels

    return list(channels.sync_status(ctx))


def test_channel(ctx: Context, name: str) -> str:
    """Call a connection's provider with its stored credentials; return the answer."""
    from worldpool.connectors import service as channels

    return channels.test_connection(ctx, name)


def channel_kinds() -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(channel id, required, optional credential names) of every connector."""
    from worldpool.connectors.providers import CREDENTIAL_NAMES, PROVIDERS

    return [(c, *CREDENTIAL_NAMES.get(c, ((), ()))) for c in sorted(PROVIDERS)]


def connect_channel(
    ctx: Context,
    name: str,
    channel: str,
    base_url: str,
    credentials: dict[str, str],
    settings: dict[str, str],
) -> str:
    """Store a new shop connection (credentials sealed); return its name (owner)."""
    from worldpool.connectors import service as channels

    info = channels.connect(
        ctx, channels.ConnectRequest(name, channel, base_url, credentials, settings)
    )
    return str(info.name)


def disconnect_channel(ctx: Context, name: str) -> None:
    """Stop syncing a connection; its rows and history stay (owner)."""
    from worldpool.connectors import service as channels

    channels.disconnect(ctx, name)


def carrier_accounts(ctx: Context) -> list[Any]:
    """The seller's carrier accounts, credentials masked."""
    from worldpool.connectors.carrier_accounts import list_carrier_accounts

    return list(list_carrier_accounts(ctx))


def order_dead_letters(ctx: Context) -> list[Any]:
    """Unresolved order dead letters."""
    return list(_orders(ctx).dead_letters())


def redrive(ctx: Context, letter_id: int) -> str:
    """Submit a dead-lettered order again; return its key."""
    ctx.require("operator")
    outcome = _orders(ctx).redrive(letter_id)
    audit.record(
        ctx, "order.redrive", target=str(letter_id), result={"order": outcome.key}
    )
    return str(outcome.key)


@dataclass(frozen=True, slots=True)
class ForecastSeries:
    """Daily history and forecast of one (SKU, market), ready for a chart."""

    dates: list[str]
    """ISO dates, history then forecast."""
    history: list[float | None]
    """Units sold per day (None over the forecast)."""
    p10: list[float | None]
    """10 % quantile per day (None over the history)."""
    p50: list[float | None]
    """Median per day."""
    p90: list[float | None]
    """90 % quantile per day."""


def forecast_series(
    ctx: Context, sku: str, market: str, history_days: int = 91
) -> ForecastSeries | None:
    """Return the last ``history_days`` of history and a 28-day daily forecast."""
    from worldpool.demand import daily_forecast
    from worldpool.demand.params import ForecastParams
    from worldpool.demand.service import series_history

    one = series_history(ctx, sku, market)
    if one.empty:
        return None
    params = ForecastParams(quantiles=(0.1, 0.5, 0.9))
    fc = daily_forecast(one, horizon_days=28, params=params)
    hist = one.sort_values("date").tail(history_days)
    h_dates = [str(d)[:10] for d in hist["date"]]
    f_dates = [str(d)[:10] for d in fc["date"]]
    gap: list[float | None] = [None] * len(h_dates)
    none: list[float | None] = [None] * len(f_dates)

    def col(name: str) -> list[float | None]:
        """Quantile column ``name`` over the forecast days (None over history)."""
        return gap + [round(float(v), 3) for v in fc[name]]

    return ForecastSeries(
        dates=h_dates + f_dates,
        history=[*(float(v) for v in hist["units"]), *none],
        p10=col("p10"),
        p50=col("p50"),
        p90=col("p90"),
    )


def run_plan(ctx: Context) -> str:
    """Forecast the ledger's demand, solve and store a draft plan; return its id."""
    from worldpool.plan.service import PlanRequest, make_plan

    ctx.require("operator")
    plan = make_plan(ctx, PlanRequest()).plan
    audit.record(ctx, "plan.run", target=plan.id, result={"summary": plan.summary()})
    return str(plan.id)


def list_plans(ctx: Context) -> list[dict[str, Any]]:
    """Stored plans, newest first."""
    return cockpit.list_plans(ctx)


def plan_detail(ctx: Context, plan_id: str) -> dict[str, Any]:
    """A stored plan as plain data (lines with their reasons, status)."""
    from worldpool.plan.service import get_plan

    return get_plan(ctx, plan_id)


def compare_plan(ctx: Context, plan: dict[str, Any]) -> list[PlanDiff]:
    """The plan's lines next to the previous stored plan's."""
    older = [p for p in cockpit.list_plans(ctx, 50) if p["id"] != plan["id"]]
    previous = plan_detail(ctx, older[0]["id"]) if older else None
    return cockpit.compare_plan(ctx, plan, previous)


def approve_plan(ctx: Context, plan_id: str) -> Any:
    """Approve a draft plan: apply its transfers (idempotent); audited."""
    from worldpool.plan.service import apply_plan

    ctx.require("operator")
    plan = plan_detail(ctx, plan_id)
    if plan["status"] == "rejected":
        from worldpool.errors import InputError

        raise InputError("the plan was rejected", record="plan", value=plan_id)
    result = apply_plan(ctx, plan_id)
    audit.record(
        ctx,
        "plan.approve",
        target=plan_id,
        approved_by=ctx.user,
        result={"posted": result.posted, "rejected": len(result.rejected)},
    )
    return result


def reject_plan(ctx: Context, plan_id: str) -> None:
    """Reject a draft plan."""
    cockpit.reject_plan(ctx, plan_id)


def hs_suggest(ctx: Context, text: str, k: int = 5) -> Any:
    """HS answer for a product text: calibrated shortlist, confident or a question.

    The seller's recorded corrections vote first.
    """
    from worldpool.customs import hs_service

    return hs_service.suggest_hs_answer(ctx, hs_service.HsRequest(text, k))


def landed_cost(ctx: Context, sku: str, market: str, quantity: int) -> Any:
    """Landed cost of a registered SKU in a marketplace."""
    from worldpool.customs import service

    request = service.LandedCostRequest(sku, market, quantity)
    return service.sku_landed_cost(ctx, request)


def shipment_pdf(ctx: Context, raw: bytes) -> tuple[bytes | None, list[str]]:
    """Commercial invoice + packing list PDF of a shipment JSON, or the errors."""
    from worldpool.customs import service

    result = service.shipment_documents(ctx, raw, pdf=True)
    errors = [str(issue) for issue in getattr(result.report, "errors", ())]
    return result.pdf, errors


class TwinProgress:
    """Counts simulated days of a twin run (the page polls it)."""

    def __init__(self, job: dict[str, Any]) -> None:
        self.job = job

    def on_start(self, label: str, total_days: int) -> None:
        """A run starts."""
        self.job["label"] = label
        self.job["total"] = self.job.get("total", 0) + total_days

    def on_advance(self, label: str, days: int) -> None:
        """A run advanced ``days`` days."""
        self.job["done"] = self.job.get("done", 0) + days

    def on_end(self, label: str) -> None:
        """A run finished."""
        self.job["runs"] = self.job.get("runs", 0) + 1


def twin_run(ctx: Context, path: Path, job: dict[str, Any]) -> str:
    """Compare split / pool / FFO on a demand history file; return the HTML report.

    The same twin service as ``worldpool simulate`` and ``POST /twin/simulate``.
    """
    from worldpool.report.twin_report import render_twin_report
    from worldpool.sim.service import TwinRequest, simulate_policies

    request = TwinRequest(demand=path, policies=("split", "pool", "ffo"))
    result = simulate_policies(ctx, request, callbacks=TwinProgress(job))
    audit.record(ctx, "twin.run", target=path.name)
    return render_twin_report(result.comparison, result.scenario)
