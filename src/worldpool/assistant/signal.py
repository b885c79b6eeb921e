"""The records of the assistant: a signal, the one action it proposes, its kinds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from worldpool.i18n import t

__all__ = ["ActionKind", "ProposedAction", "Signal", "SignalKind", "explain"]

Number = int | float | str


class SignalKind(StrEnum):
    """What the assistant noticed."""

    STOCKOUT = "stockout"
    """A SKU x market may run out before the next replenishment can land."""
    EXCESS = "excess"
    """Stock beyond what demand will use soon, costing storage and capital."""
    STUCK_ORDER = "stuck_order"
    """An order accepted but not shipped within its promise."""
    BACKORDER = "backorder"
    """An order waiting for stock."""
    DEAD_LETTER = "dead_letter"
    """An incoming record refused and parked for a person to fix."""
    LATE_TRANSFER = "late_transfer"
    """A transfer to an FC past its promised arrival."""
    LATE_PO = "late_po"
    """A purchase order past its promised arrival at the hub."""
    CUSTOMS_BLOCKER = "customs_blocker"
    """A SKU or shipment cannot clear customs as it stands."""
    MARGIN_EROSION = "margin_erosion"
    """Landed cost and fees eat the price (from the profit engine)."""
    MARKET_ENTRY = "market_entry"
    """A market worth entering (from the profit engine)."""
    CHANNEL_SYNC = "channel_sync"
    """A shop connection stopped syncing: orders not pulled, stock not pushed."""


class ActionKind(StrEnum):
    """What the assistant may do, each one service call (see the approval policy)."""

    APPROVE_TRANSFER = "approve_transfer"
    """Send stock hub -> FC (sea), i.e. apply a transfer."""
    APPROVE_PO = "approve_po"
    """Buy from the supplier into the hub."""
    EXPEDITE_AIR = "expedite_air"
    """Send stock hub -> FC by air."""
    SERVE_FROM_ORIGIN = "serve_from_origin"
    """Let a SKU x market ship from origin (launch mode), or stop it."""
    SET_BUFFER = "set_buffer"
    """Change a channel stock buffer (seam for the channel sync)."""
    FIX_HS_CODE = "fix_hs_code"
    """Set a SKU's HS code."""
    REPRICE = "reprice"
    """Change a price (seam for the profit engine)."""
    REVIEW = "review"
    """Look at it: nothing the assistant can do itself."""


@dataclass(frozen=True, slots=True)
class ProposedAction:
    """The one action a signal proposes."""

    kind: ActionKind
    """What to do."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """The service request, as plain data (sku, market, qty ...)."""
    value: Decimal = Decimal(0)
    """Money the action commits (goods moved, freight), in the signal's currency;
    the approval policy's limits compare against it."""


@dataclass(frozen=True, slots=True)
class Signal:
    """One thing the seller should know, why, and what to do about it."""

    kind: SignalKind
    """What was noticed."""
    key: str
    """Stable id (``stockout:MUG-1:DE``): the same situation keeps its key."""
    impact: Decimal
    """Expected money at stake if nothing is done, in ``currency`` (>= 0)."""
    currency: str
    """ISO 4217 code of ``impact`` and of the action's value."""
    message: str
    """English message id with ``{placeholders}`` filled from ``numbers``."""
    numbers: Mapping[str, Number]
    """The figures behind it (units, days, probabilities, money)."""
    action: ProposedAction
    """The one proposed action."""
    sku: str | None = None
    """SKU concerned, if any."""
    market: str | None = None
    """Market concerned, if any."""
    probability: float = 1.0
    """Probability the impact happens without action, 0..1."""

    @property
    def expected_impact(self) -> Decimal:
        """Return impact x probability, the ranking key (money)."""
        return (self.impact * Decimal(str(round(self.probability, 4)))).quantize(
            Decimal("0.01")
        )

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """Return the signal as plain data, with its explanation in ``language``."""
        return {
            "kind": str(self.kind),
            "key": self.key,
            "sku": self.sku,
            "market": self.market,
            "impact": str(self.impact),
            "expected_impact": str(self.expected_impact),
            "currency": self.currency,
            "probability": round(self.probability, 4),
            "explanation": explain(self, language),
            "message": self.message,
            "numbers": dict(self.numbers),
            "action": {
                "kind": str(self.action.kind),
                "params": dict(self.action.params),
                "value": str(self.action.value),
            },
        }


def explain(signal: Signal, language: str = "en") -> str:
    """Return the signal's explanation in ``language`` (through the message catalog)."""
    return t(signal.message, language, **signal.numbers)
