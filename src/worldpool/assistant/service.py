"""Assistant service: the day's ranked decisions, approvals, actions, undo, digest.

``today(ctx, request)`` reads the pool through the other capabilities, builds
every signal, ranks them, stores them as the seller's proposals with the mode
the approval policy gives each, and carries out the ``auto`` ones.
``decide`` approves (and carries out) or rejects a proposal; ``act`` runs an
action asked for directly (MCP tool, agent) under the same policy; ``undo``
takes back a reversible one. Every write is audited in its own transaction.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from worldpool.assistant import _actions, _services
from worldpool.assistant._customs import customs_blocker_signals
from worldpool.assistant._state import build_state
from worldpool.assistant.digest import render_digest
from worldpool.assistant.excess import excess_stock
from worldpool.assistant.operations import (
    channel_signals,
    dead_letter_signals,
    late_signals,
    order_signals,
)
from worldpool.assistant.policy import ApprovalMode, ApprovalPolicy, load_policy
from worldpool.assistant.profit import ProfitSource, profit_signals
from worldpool.assistant.propose import excess_signals, stockout_signals
from worldpool.assistant.rank import rank
from worldpool.assistant.records import (
    ActRequest,
    ActResult,
    Proposal,
    SignalsRequest,
    TodayResult,
)
from worldpool.assistant.signal import ActionKind, Signal
from worldpool.assistant.stockout import stockout_risk
from worldpool.audit import audit_on
from worldpool.context import Context
from worldpool.errors import Forbidden, InputError, UnknownReference, WorldpoolError
from worldpool.i18n import t
from worldpool.ledger.assistant_tables import (
    add_proposal_on,
    get_proposal_on,
    list_proposals_on,
    save_proposals_on,
    update_proposal_on,
)

__all__ = [
    "ActRequest",
    "ActResult",
    "Proposal",
    "SignalsRequest",
    "TodayResult",
    "act",
    "decide",
    "digest",
    "proposals",
    "signals",
    "today",
    "undo",
]


def _policy(ctx: Context) -> ApprovalPolicy:
    return load_policy(ctx.settings.approval_policy_file)


def signals(
    ctx: Context,
    request: SignalsRequest | None = None,
    *,
    profit: ProfitSource | None = None,
) -> list[Signal]:
    """Return every signal about the seller's pool, by expected impact (read only)."""
    req = request or SignalsRequest()
    now = datetime.now(UTC)
    facts = _services.sku_facts(ctx)
    costs = {s: f["unit_cost"] for s, f in facts.items()}
    currency = next(iter(f["currency"] for f in facts.values()), "USD")
    transits, late = _services.open_transits(ctx, costs, currency, now)
    available = _services.available(ctx)
    state = build_state(
        ctx.catalog,
        history=_services.history(ctx),
        available=available,
        listings=_services.listings(ctx),
        unit_cost=costs,
        unit_volume={s: f["unit_volume_m3"] for s, f in facts.items()},
        transits=transits,
        now=now,
        margin_share=req.margin_share,
        window=req.window_days,
        horizon=req.horizon_days,
    )
    risk = stockout_risk(state.stockout)
    found = stockout_signals(
        state.pairs,
        state.stockout,
        risk,
        threshold=req.threshold,
        horizon=req.horizon_days,
    )
    ex = excess_stock(state.excess)
    found += excess_signals(
        [k[0] for k in state.excess_keys],
        [k[1] for k in state.excess_keys],
        state.excess,
        ex,
        currency,
        req.min_excess_cost,
    )
    found += order_signals(_services.open_orders(ctx, now))
    found += dead_letter_signals(_services.dead_letters(ctx, now), currency)
    found += channel_signals(_services.channel_health(ctx, now), req.sync_late_minutes)
    found += late_signals(late)
    found += customs_blocker_signals(
        ctx, facts, state, margin_share=req.margin_share, suggest=req.suggest_hs
    )
    found += profit_signals(profit)
    return rank(found, req.limit)


def _row(s: Signal, i: int, policy: ApprovalPolicy, ctx: Context) -> dict[str, Any]:
    mode = policy.mode_for(ctx.seller, s.action.kind, s.action.value)
    return {
        "key": s.key,
        "kind": str(s.kind),
        "action": str(s.action.kind),
        "mode": str(mode),
        "rank": i + 1,
        "impact": s.impact,
        "currency": s.currency,
        "probability": s.probability,
        "signal": s.to_dict("en"),
    }


def _proposal(row: dict[str, Any], language: str) -> Proposal:
    sig = row["signal"]
    return Proposal(
        id=int(row["id"]),
        day=row["day"],
        rank=int(row["rank"]),
        kind=row["kind"],
        key=row["key"],
        action=row["action"],
        params=sig["action"]["params"],
        value=sig["action"]["value"],
        mode=row["mode"],
        impact=str(row["impact"]),
        currency=row["currency"],
        probability=float(row["probability"]),
        explanation=t(sig["message"], language, **sig["numbers"]),
        numbers=sig["numbers"],
        status=row["status"],
        decided_by=row["decided_by"],
        result=row["result"],
    )


def today(
    ctx: Context,
    request: SignalsRequest | None = None,
    *,
    profit: ProfitSource | None = None,
) -> TodayResult:
    """Store the day's ranked proposals, carry out the ``auto`` ones, return them all.

    Raises:
        Forbidden: the actor is a viewer (storing proposals is a write).
    """
    ctx.require("operator")
    req = request or SignalsRequest()
    day = req.day or datetime.now(UTC).date()
    found = signals(ctx, req, profit=profit)
    policy = _policy(ctx)
    rows = [_row(s, i, policy, ctx) for i, s in enumerate(found)]
    with ctx.engine.begin() as conn:
        new = save_proposals_on(conn, ctx.seller, day, rows)
        audit_on(
            conn,
            ctx,
            "assistant.today",
            target=day.isoformat(),
            inputs={"limit": req.limit, "threshold": req.threshold},
            result={"signals": len(rows), "new": new},
        )
    for p in proposals(ctx, day=day, status="open"):
        if p.mode == ApprovalMode.AUTO:
            _carry_out(ctx, p, approved_by="policy:auto")
    return TodayResult(day, proposals(ctx, day=day))


def proposals(
    ctx: Context, *, day: date | None = None, status: str | None = None
) -> list[Proposal]:
    """Return the seller's stored proposals (of a day, with a status), best first."""
    with ctx.engine.connect() as conn:
        rows = list_proposals_on(conn, ctx.seller, day=day, status=status)
    return [_proposal(r, ctx.language) for r in rows]


def _get(ctx: Context, pid: int) -> Proposal:
    with ctx.engine.connect() as conn:
        row = get_proposal_on(conn, ctx.seller, pid)
    if row is None:
        raise UnknownReference(
            "unknown proposal", record="proposal", field="id", value=pid
        )
    return _proposal(row, ctx.language)


def _carry_out(ctx: Context, p: Proposal, *, approved_by: str) -> Proposal:
    kind = ActionKind(p.action)
    try:
        with ctx.engine.begin() as conn:
            result = _actions.execute(ctx, conn, kind, p.params, f"AST-{p.id}")
            if not update_proposal_on(
                conn,
                ctx.seller,
                p.id,
                status="done",
                decided_by=approved_by,
                result=result,
                expect=("open",),
            ):
                raise InputError(
                    f"proposal {p.id} is no longer open",
                    record="proposal",
                    field="status",
                    value=p.status,
                )
            audit_on(
                conn,
                ctx,
                f"assistant.{kind}",
                target=f"proposal:{p.id}",
                inputs=p.params,
                result=result,
                approved_by=approved_by,
            )
    except WorldpoolError as exc:
        with ctx.engine.begin() as conn:
            update_proposal_on(
                conn,
                ctx.seller,
                p.id,
                status="failed",
                decided_by=approved_by,
                result={"error": str(exc)},
                expect=("open",),
            )
            audit_on(
                conn,
                ctx,
                f"assistant.{kind}",
                target=f"proposal:{p.id}",
                inputs=p.params,
                result={"error": str(exc)},
                status="failed",
                approved_by=approved_by,
            )
    return _get(ctx, p.id)


def decide(
    ctx: Context, proposal_id: int, *, approve: bool, note: str = ""
) -> Proposal:
    """Approve (and carry out) or reject an open proposal.

    Raises:
        Forbidden: the actor is below operator, or the policy says suggest only.
        UnknownReference: no such proposal for this seller.
        InputError: the proposal is not open any more.
    """
    ctx.require("operator")
    p = _get(ctx, proposal_id)
    if p.status != "open":
        raise InputError(
            f"proposal {p.id} is {p.status}",
            record="proposal",
            field="status",
            value=p.status,
        )
    who = ctx.user or "cli"
    if not approve:
        with ctx.engine.begin() as conn:
            update_proposal_on(
                conn,
                ctx.seller,
                p.id,
                status="rejected",
                decided_by=who,
                result={"note": note},
                expect=("open",),
            )
            audit_on(
                conn,
                ctx,
                f"assistant.{p.action}",
                target=f"proposal:{p.id}",
                inputs=p.params,
                result={"note": note},
                status="refused",
                approved_by=who,
            )
        return _get(ctx, p.id)
    if p.mode == ApprovalMode.SUGGEST:
        raise Forbidden(f"the approval policy only suggests {p.action}; do it by hand")
    return _carry_out(ctx, p, approved_by=who)


def undo(ctx: Context, proposal_id: int) -> Proposal:
    """Take back a carried-out reversible action (buffer, HS code, launch mode).

    Raises:
        InputError: the proposal is not done, or its action cannot be undone.
    """
    ctx.require("operator")
    p = _get(ctx, proposal_id)
    if p.status != "done":
        raise InputError(
            f"proposal {p.id} is {p.status}, not done",
            record="proposal",
            field="status",
            value=p.status,
        )
    with ctx.engine.begin() as conn:
        back = _actions.undo(ctx, conn, ActionKind(p.action), p.params, p.result)
        update_proposal_on(
            conn,
            ctx.seller,
            p.id,
            status="undone",
            decided_by=ctx.user or "cli",
            result=p.result | back,
            expect=("done",),
        )
        audit_on(
            conn,
            ctx,
            f"assistant.{p.action}.undo",
            target=f"proposal:{p.id}",
            inputs=p.params,
            result=back,
            status="undone",
        )
    return _get(ctx, p.id)


def _goods_value(ctx: Context, params: dict[str, Any]) -> Decimal:
    units = params.get("qty", params.get("units", 0))
    sku = params.get("sku")
    if not sku or not isinstance(units, int | float) or units <= 0:
        return Decimal(0)
    cost = _services.sku_facts(ctx).get(str(sku), {}).get("unit_cost", 0.0)
    return Decimal(str(round(float(units) * float(cost), 2)))


def _refused(ctx: Context, request: ActRequest) -> ActResult:
    # The policy only suggests this action: audit the refusal and say so.
    from worldpool.audit import record

    record(
        ctx,
        f"assistant.{request.kind}",
        inputs=request.params,
        status="refused",
        result={"why": "policy: suggest only"},
    )
    return ActResult(
        "refused",
        t(
            "The approval policy only suggests {action}.",
            ctx.language,
            action=str(request.kind),
        ),
    )


def act(ctx: Context, request: ActRequest) -> ActResult:
    """Run an action asked for directly, as the approval policy allows.

    ``suggest``: refused; ``ask``: stored as an open proposal for a person;
    ``auto`` within its limit: carried out now. Every outcome is audited. The
    value the limit is checked against is never below the goods' value at
    cost (units x unit cost), whatever the caller states.
    """
    ctx.require("operator")
    value = max(request.value, _goods_value(ctx, request.params))
    request = ActRequest(request.kind, request.params, value, request.reason)
    mode = _policy(ctx).mode_for(ctx.seller, request.kind, request.value)
    if mode == ApprovalMode.SUGGEST:
        return _refused(ctx, request)
    day = datetime.now(UTC).date()
    row = request.proposal_row(mode)
    with ctx.engine.begin() as conn:
        pid = add_proposal_on(conn, ctx.seller, day, row)
        audit_on(
            conn,
            ctx,
            f"assistant.{request.kind}",
            target=f"proposal:{pid}",
            inputs=request.params,
            status="proposed",
            result={"mode": str(mode)},
        )
    if mode == ApprovalMode.ASK:
        return ActResult(
            "pending",
            t("Waiting for approval as proposal {id}.", ctx.language, id=pid),
            pid,
        )
    done = _carry_out(ctx, _get(ctx, pid), approved_by="policy:auto")
    return ActResult(
        done.status,
        t("Carried out: {action}.", ctx.language, action=str(request.kind)),
        pid,
        done.result,
    )


def digest(ctx: Context, day: date | None = None) -> str:
    """Return the day's digest as Markdown (an e-mail body or a file)."""
    day = day or datetime.now(UTC).date()
    return render_digest(
        ctx.seller, day, [p.to_dict() for p in proposals(ctx, day=day)], ctx.language
    )
