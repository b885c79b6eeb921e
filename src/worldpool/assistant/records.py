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


@dataclass(frozen=True, slots=True)
class Proposal:
    """One stored proposal: a ranked signal with its action and its fate."""

    id: int
    day: date
    rank: int
    kind: str
    key: str
    action: str
    params: dict[str, Any]
    value: str
    mode: str
    impact: str
    currency: str
    probability: float
    explanation: str
    numbers: dict[str, Any]
    status: str
    decided_by: str | None = None
    result: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the proposal as plain JSON-able data."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["day"] = self.day.isoformat()
        return out


@dataclass(frozen=True, slots=True)
class TodayResult:
    """The day's ranked proposals."""

    day: date
    proposals: list[Proposal]

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
    params: dict[str, Any]
    value: Decimal = Decimal(0)
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ActResult:
    """What became of a direct action: done, waiting for approval, or refused."""

    status: str
    message: str
    proposal_id: int | None = None
    result: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data."""
        return {
            "status": self.status,
            "message": self.message,
            "proposal_id": self.proposal_id,
            "result": self.result,
        }
