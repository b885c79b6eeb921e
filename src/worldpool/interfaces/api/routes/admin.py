"""Dead letters (list, re-drive) and API keys: the admin router."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from worldpool import inventory
from worldpool.access import create_key
from worldpool.interfaces.api.deps import AdminCtx, ReadCtx
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND, not_found
from worldpool.interfaces.api.schemas import (
    DeadLetterPublic,
    KeyCreate,
    KeyPublic,
    OutcomePublic,
)
from worldpool.orders import service

__all__ = ["router"]

router = APIRouter(tags=["admin"], responses=AUTH)

MAX_ID = 2**63 - 1
"""Largest row id a database integer holds (larger ones are 422, not a crash)."""


@router.get("/dead-letters", response_model=list[DeadLetterPublic])
def dead_letters(
    ctx: ReadCtx,
    kind: Annotated[
        str | None, Query(max_length=32, description="Only this kind (order, sku ...)")
    ] = None,
    limit: Annotated[int, Query(ge=1, description="At most 1000 are returned")] = 100,
) -> list[DeadLetterPublic]:
    """Rejected records (orders, file rows) with their reason, oldest first."""
    return [
        DeadLetterPublic(
            id=d.id,
            source=d.letter.source,
            kind=d.letter.kind,
            row=d.letter.row,
            field=d.letter.field,
            error=d.letter.error,
            payload=d.letter.payload,
        )
        for d in inventory.dead_letters(ctx, kind, min(limit, 1000))
    ]


@router.post(
    "/dead-letters/{letter_id}/redrive",
    response_model=OutcomePublic,
    responses=NOT_FOUND,
)
def redrive(
    letter_id: Annotated[int, Path(ge=1, le=MAX_ID)], ctx: AdminCtx
) -> OutcomePublic:
    """Submit an order dead letter again (after fixing the SKU master, say)."""
    with not_found():  # only the letter's own absence is a 404
        inventory.dead_letter(ctx, letter_id)
    o = service.redrive(ctx, letter_id)
    return OutcomePublic(
        key=o.key, action=o.action, status=o.status, decision=o.decision
    )


@router.post("/api-keys", response_model=KeyPublic, status_code=201)
def new_key(body: KeyCreate, ctx: AdminCtx) -> KeyPublic:
    """Create an API key; the plain key is in this reply only."""
    key = create_key(ctx, body.name, body.scope)
    return KeyPublic(name=body.name, scope=body.scope, key=key)
