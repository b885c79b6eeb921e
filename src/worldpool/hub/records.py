"""Requests and results of the hub's billing services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from worldpool.hub.billing import StatementLine

__all__ = [
    "ChargeRequest",
    "CloseRequest",
    "CloseResult",
    "Reconciliation",
    "SellerTotal",
    "Statement",
]


@dataclass(frozen=True, slots=True)
class CloseRequest:
    """Close a month at a hub: snapshots, usage and statements for its sellers."""

    month: str
    """``YYYY-MM``."""
    node: str = "CN-SZX"
    """The hub node billed."""
    sellers: tuple[str, ...] | None = None
    """Only these sellers; None: every seller with stock or activity at the node."""


@dataclass(frozen=True, slots=True)
class CloseResult:
    """What closing a month wrote."""

    month: str
    """``YYYY-MM``."""
    node: str
    """Hub node."""
    sellers: int
    """Statements written."""
    lines: int
    """Statement lines written."""
    snapshots: int
    """Daily snapshots written."""
    totals: dict[str, Decimal]
    """Sum of all statements per currency."""

    def summary(self) -> dict[str, object]:
        """Return the result as plain data (for the CLI, API and audit log)."""
        return {
            "month": self.month,
            "node": self.node,
            "sellers": self.sellers,
            "lines": self.lines,
            "snapshots": self.snapshots,
            "totals": {k: str(v) for k, v in sorted(self.totals.items())},
        }


@dataclass(frozen=True, slots=True)
class Statement:
    """A seller's closed monthly statement."""

    seller: str
    """Seller id."""
    node: str
    """Hub node."""
    month: str
    """``YYYY-MM``."""
    currency: str
    """ISO 4217 currency of every line."""
    total: Decimal
    """Sum of the lines' amounts."""
    closed_at: datetime
    """When the month was closed (UTC)."""
    lines: tuple[StatementLine, ...]
    """The priced lines, in order."""


@dataclass(frozen=True, slots=True)
class SellerTotal:
    """One seller's row of the operator's view of a month."""

    seller: str
    """Seller id."""
    currency: str
    """Currency."""
    total: Decimal
    """Statement total."""
    lines: int
    """Number of lines."""
    closed_at: datetime
    """When the month was closed."""


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    """Record a parcel cost or a value-added service for the context's seller."""

    service: str
    """``ffo_parcel`` or a ``vas_*`` code of the rate card."""
    reference: str
    """Order id (parcels) or work order the charge belongs to."""
    qty: Decimal
    """Tasks done (parcels: parcels shipped)."""
    idempotency_key: str
    """The same key twice records once."""
    cost: Decimal = Decimal(0)
    """Carrier cost of a parcel, in ``currency`` (0 for a service)."""
    currency: str = "USD"
    """ISO 4217 currency of ``cost``."""
    node: str = "CN-SZX"
    """Hub node."""
    at: datetime | None = None
    """When it happened (UTC; default now)."""


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """A closed statement compared with a recomputation from the journal."""

    seller: str
    """Seller id."""
    month: str
    """``YYYY-MM``."""
    lines: int
    """Lines compared."""
    stored_total: Decimal
    """Total of the closed statement."""
    recomputed_total: Decimal
    """Total recomputed from movements one by one."""
    unreconciled_cents: int
    """Sum over lines of |stored - recomputed| in cents (0 when it reconciles)."""
