"""Audit service: every action a person, key, worker or assistant takes is recorded.

Service functions that change state call :func:`audit_on` inside their own
transaction (so the record and the change commit together) or :func:`record`
for actions that wrote nothing themselves. :func:`history` reads it back,
scoped to the context's seller (the 3PL ``hub`` role sees every seller).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from worldpool.context import ROLES, Context
from worldpool.ledger.audit_tables import list_audit_on, record_audit_on

__all__ = ["AuditEntry", "audit_on", "history", "record"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One recorded action."""

    id: int
    """Row id (increasing)."""
    seller: str
    """Seller the action concerned."""
    at: datetime
    """When it was recorded (UTC)."""
    actor: str
    """Who asked (user, ``key:<prefix>``, ``assistant``, ``worker``, ``cli``)."""
    role: str
    """The actor's role at the time."""
    action: str
    """What was done (``plan.apply``, ``sku.import``, ...)."""
    target: str
    """What it was done to (plan id, SKU, order ...)."""
    inputs: Any
    """The request, as plain data."""
    result: Any
    """The outcome, as plain data."""
    status: str
    """``done``, ``refused``, ``failed``, ``proposed``, ``approved``, ``undone``."""
    approved_by: str | None
    """Who approved it, where approval was needed."""


def audit_on(
    conn: Connection,
    ctx: Context,
    action: str,
    *,
    target: str = "",
    inputs: Any = None,
    result: Any = None,
    status: str = "done",
    approved_by: str | None = None,
) -> int:
    """Record ``action`` in the caller's transaction ``conn``; return the row id."""
    return record_audit_on(
        conn,
        {
            "seller": ctx.seller,
            "actor": ctx.user or "cli",
            "role": ctx.role,
            "action": action,
            "target": target,
            "inputs": inputs if inputs is not None else {},
            "result": result if result is not None else {},
            "status": status,
            "approved_by": approved_by,
        },
    )


def record(
    ctx: Context,
    action: str,
    *,
    target: str = "",
    inputs: Any = None,
    result: Any = None,
    status: str = "done",
    approved_by: str | None = None,
) -> int:
    """Record ``action`` in its own transaction; return the row id."""
    with ctx.engine.begin() as conn:
        return audit_on(
            conn,
            ctx,
            action,
            target=target,
            inputs=inputs,
            result=result,
            status=status,
            approved_by=approved_by,
        )


def history(ctx: Context, limit: int = 100) -> list[AuditEntry]:
    """Return the newest ``limit`` audit entries visible to ``ctx``, newest first."""
    every = ROLES.index(ctx.role) >= ROLES.index("hub")
    with ctx.engine.connect() as conn:
        rows = list_audit_on(conn, None if every else ctx.seller, limit)
    return [AuditEntry(**row) for row in rows]
