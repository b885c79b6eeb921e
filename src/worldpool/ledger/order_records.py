"""Records of the order book: a stored order, a change to write, the conflict error."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from worldpool.domain.inventory import Movement
from worldpool.errors import LedgerError

__all__ = ["Change", "ConcurrentChange", "OrderRow", "Stock", "order_row"]


class ConcurrentChange(LedgerError):
    """Another writer changed the same order first; re-read and try again."""


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One stored order, as the ledger keeps it (JSON kept as text)."""

    channel: str
    """Channel id."""
    channel_order_id: str
    """The channel's order id."""
    market: str
    """Marketplace id it ships to."""
    status: str
    """``open``, ``cancelled`` or ``shipped``."""
    revision: int
    """1 for the first version, +1 per accepted edit or state change."""
    payload_hash: str
    """Digest of the normalised order (detects re-deliveries vs edits)."""
    currency: str
    """ISO 4217 code of the order."""
    order_value: Decimal
    """Order value in ``currency``."""
    backordered: int
    """Units no node could reserve."""
    payload: str
    """The normalised order, JSON."""
    decision: str
    """The routing decision with its ``why``, JSON."""
    created_at: datetime | None = None
    """When first stored (UTC)."""
    updated_at: datetime | None = None
    """When last changed (UTC)."""

    @property
    def key(self) -> str:
        """``channel:channel_order_id``."""
        return f"{self.channel}:{self.channel_order_id}"


def order_row(r: Any) -> OrderRow:
    """Return the :class:`OrderRow` of a result row of the orders table."""
    return OrderRow(
        r.channel,
        r.channel_order_id,
        r.market,
        r.status,
        r.revision,
        r.payload_hash,
        r.currency,
        Decimal(r.order_value),
        r.backordered,
        r.payload,
        r.decision,
        r.created_at,
        r.updated_at,
    )


@dataclass(frozen=True, slots=True)
class Change:
    """What to write for one order: its new row and its movements."""

    row: OrderRow
    """The order's new state."""
    moves: Sequence[Movement] = ()
    """Release, reserve or ship movements of this change."""


Stock = dict[tuple[str, str], int]
