"""``/assistant``: signals, the day's proposals, approve/reject/undo, actions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from worldpool.assistant import ActionKind, service
from worldpool.assistant.policy import load_policy
from worldpool.context import Role
from worldpool.interfaces.api.deps import ReadCtx, WriteCtx
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND, json_errors, not_found

__all__ = ["router"]

router = APIRouter(prefix="/assistant", tags=["assistant"], responses=json_errors(AUTH))

_ROLE: dict[str, Role] = {"read": "viewer", "write": "operator", "admin": "owner"}


ProposalId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Proposal id.")]
"""A stored proposal's id (a 64-bit key: larger ids are refused with 422)."""


class ActionIn(BaseModel):
    """An action asked for directly; the approval policy decides what happens."""

    kind: ActionKind = Field(
        description="approve_transfer, expedite_air, fix_hs_code ..."
    )
    params: dict[str, Any] = Field(description="sku, market, qty, mode, hs_code ...")
    value: Decimal = Field(
        Decimal(0),
        ge=0,
        le=Decimal(10) ** 12,
        description="Money the action commits (at most 10^12).",
    )
    reason: str = Field("", max_length=500)


class NoteIn(BaseModel):
    """Why a proposal is rejected."""

    note: str = Field("", max_length=500)


@router.get("/signals")
def signals(
    ctx: ReadCtx, limit: Annotated[int, Query(gt=0, le=200)] = 25
) -> list[dict[str, Any]]:
    """Signals ranked by expected money impact (read only; no HS suggestions)."""
    found = service.signals(ctx, service.SignalsRequest(limit=limit, suggest_hs=False))
    return [s.to_dict(ctx.language) for s in found]


@router.post("/today")
def today(
    ctx: WriteCtx, limit: Annotated[int, Query(gt=0, le=200)] = 25
) -> dict[str, Any]:
    """Store today's ranked proposals and carry out the auto-approved ones."""
    req = service.SignalsRequest(limit=limit, suggest_hs=False)
    return service.today(ctx, req).to_dict()


@router.get("/proposals")
def proposals(
    ctx: ReadCtx,
    status: Annotated[str | None, Query(max_length=16)] = None,
    day: date | None = None,
) -> list[dict[str, Any]]:
    """Stored proposals, newest day first, best rank first."""
    return [p.to_dict() for p in service.proposals(ctx, day=day, status=status)]


@router.post("/proposals/{proposal_id}/approve", responses=json_errors(NOT_FOUND))
def approve(ctx: WriteCtx, proposal_id: ProposalId) -> dict[str, Any]:
    """Approve a proposal and carry out its action."""
    with not_found():
        return service.decide(ctx, proposal_id, approve=True).to_dict()


@router.post("/proposals/{proposal_id}/reject", responses=json_errors(NOT_FOUND))
def reject(
    ctx: WriteCtx, proposal_id: ProposalId, body: NoteIn | None = None
) -> dict[str, Any]:
    """Reject a proposal."""
    note = body.note if body else ""
    with not_found():
        return service.decide(ctx, proposal_id, approve=False, note=note).to_dict()


@router.post("/proposals/{proposal_id}/undo", responses=json_errors(NOT_FOUND))
def undo(ctx: WriteCtx, proposal_id: ProposalId) -> dict[str, Any]:
    """Take back a carried-out reversible action."""
    with not_found():
        return service.undo(ctx, proposal_id).to_dict()


@router.post("/actions")
def act(ctx: WriteCtx, body: ActionIn) -> dict[str, Any]:
    """Ask for an action: refused, pending approval, or done, as the policy says."""
    req = service.ActRequest(body.kind, body.params, body.value, body.reason)
    return service.act(ctx, req).to_dict()


@router.get("/digest", response_class=PlainTextResponse)
def digest(ctx: ReadCtx, day: date | None = None) -> str:
    """Today's digest as Markdown (an e-mail body)."""
    return service.digest(ctx, day)


@router.get("/policy")
def policy(ctx: ReadCtx) -> list[dict[str, str]]:
    """The approval policy in force (packaged rules and the user's file)."""
    return load_policy(ctx.settings.approval_policy_file).to_rows()
