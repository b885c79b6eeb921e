"""Plain records of the assistant service: requests, stored proposals, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from worldpool.assistant.signal import ActionKind

__all__ = ["ActRequest", "ActResult", "Proposal", "SignalsRequest", "TodayResult"]


@dataclass(frozen=True, slots=True)
class SignalsRequest:
    """What to look at and how far ahead."""

    day: date | None = None
    """Day of the proposals (default today, UTC)."""
    limit: int = 25
    """Keep the top this many signals."""
    threshold: float = 1 / 3
    """Stock-out probability that raises a signal, 0..1."""
    horizon_days: int = 14
    """Days the stock-out risk looks ahead."""
    window_days: int = 91
    """Trailing days of demand behind the rates."""
    margin_share: float = 1.5
    """Unit margin as a share of unit cost where no price is known (editable
    default: a 40 % cost share, as the twin assumes)."""
    min_excess_cost: float = 1.0
    """Smallest carrying cost (money) worth an excess signal."""
    suggest_hs: bool = True
    """Ask the HS suggester for a code to propose where a SKU has none (its
    first use in a process fits the model: seconds to a minute)."""
    sync_late_minutes: float = 15.0
    """A shop connection with no good order poll, or a push waiting, for longer
    than this (minutes) raises a channel-sync signal."""


@dataclass(frozen=True, slots=True)
class Proposal:
    """One stored proposal: a ranked signal with its action and its fate."""

    id: int
    """Proposal id (per database)."""
    day: date
    """Day it was proposed for (UTC)."""
    rank: int
    """1 = the largest expected impact of its day (0: asked for directly)."""
    kind: str
    """Signal kind (``stockout`` ...) or ``request``."""
    key: str
    """Stable id of the situation (``stockout:MUG:DE``)."""
    action: str
    """Action kind (``expedite_air`` ...)."""
    params: dict[str, Any]
    """The action's request (sku, market, qty ...)."""
    value: str
    """Money the action commits, decimal text, in ``currency``."""
    mode: str
    """``suggest``, ``ask`` or ``auto`` (the approval policy)."""
    impact: str
    """Money at stake if nothing is done, decimal text."""
    currency: str
    """ISO 4217 code."""
    probability: float
    """Probability the impact happens, 0..1."""
    explanation: str
    """The signal in words, in the reader's language."""
    numbers: dict[str, Any]
    """The figures behind it."""
    status: str
    """``open``, ``done``, ``rejected``, ``failed``, ``undone``, ``expired``."""
    decided_by: str | None = None
    """Who approved or rejected it (``policy:auto`` for the policy)."""
    result: dict[str, Any] = field(default_factory=dict)
    """What the action did (or the error)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the proposal as plain JSON-able data."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["day"] = self.day.isoformat()
        return out


@dataclass(frozen=True, slots=True)
class TodayResult:
    """The day's ranked proposals."""

    day: date
    """Day of the proposals."""
    proposals: list[Proposal]
    """All of the day's proposals, best rank first."""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data."""
        return {
            "day": self.day.isoformat(),
            "proposals": [p.to_dict() for p in self.proposals],
        }


@dataclass(frozen=True, slots=True)
class ActRequest:
    """An action asked for directly (by an agent, a tool, a person)."""

    kind: ActionKind
    """What to do."""
    params: dict[str, Any]
    """The service request (sku, market, qty ...)."""
    value: Decimal = Decimal(0)
    """Money it commits (the policy's limits compare against it)."""
    reason: str = ""
    """Why it was asked for (recorded)."""

    def proposal_row(self, mode: str) -> dict[str, Any]:
        """Return the proposal row that records this request under ``mode``."""
        key = f"ask:{self.kind}:{sorted(self.params.items())}"
        return {
            "key": key[:200],
            "kind": "request",
            "action": str(self.kind),
            "mode": str(mode),
            "rank": 0,
            "impact": self.value,
            "currency": "USD",
            "probability": 1.0,
            "signal": {
                "message": "Asked: {action} {params}",
                "numbers": {
                    "action": str(self.kind),
                    "params": str(self.params),
                    "reason": self.reason,
                },
                "action": {
                    "kind": str(self.kind),
                    "params": self.params,
                    "value": str(self.value),
                },
            },
        }


@dataclass(frozen=True, slots=True)
class ActResult:
    """What became of a direct action: done, waiting for approval, or refused."""

    status: str
    """``done``, ``pending``, ``failed`` or ``refused``."""
    message: str
    """What happened, in words."""
    proposal_id: int | None = None
    """The stored proposal (None when refused)."""
    result: dict[str, Any] = field(default_factory=dict)
    """What the action did."""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data."""
        return {
            "status": self.status,
            "message": self.message,
            "proposal_id": self.proposal_id,
            "result": self.result,
        }
