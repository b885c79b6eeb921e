"""Typed results of the MCP tools (their output schemas)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["ActOut", "ProposalOut", "SignalOut", "SignalsOut"]


class SignalOut(BaseModel):
    """One signal: what, why in words, the numbers, the proposed action."""

    kind: str = Field(description="stockout, excess, backorder, customs_blocker ...")
    key: str = Field(description="Stable id of the situation.")
    sku: str | None = None
    market: str | None = None
    impact: str = Field(description="Money at stake if nothing is done.")
    expected_impact: str = Field(description="Impact x probability (ranking key).")
    currency: str
    probability: float
    explanation: str
    numbers: dict[str, Any]
    action: dict[str, Any] = Field(description="kind, params, value of the action.")


class SignalsOut(BaseModel):
    """Signals ranked by expected money impact, largest first."""

    signals: list[SignalOut]


class ProposalOut(BaseModel):
    """A stored proposal and what became of it."""

    id: int
    rank: int
    kind: str
    action: str
    params: dict[str, Any]
    mode: str = Field(description="suggest, ask or auto (approval policy).")
    status: str = Field(description="open, done, rejected, failed, undone, expired.")
    impact: str
    currency: str
    explanation: str
    result: dict[str, Any]


class ActOut(BaseModel):
    """What became of an action: done, pending approval, or refused."""

    status: str
    message: str
    proposal_id: int | None = None
    result: dict[str, Any] = Field(default_factory=dict)
