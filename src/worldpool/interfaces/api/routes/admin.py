"""Dead letters (list, re-drive) and API keys: the admin router."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from worldpool.interfaces.api.deps import AdminKey, ReadKey, ServiceDep
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND, not_found
from worldpool.interfaces.api.schemas import (
    DeadLetterPublic,
    KeyCreate,
    KeyPublic,
    OutcomePublic,
)
from worldpool.ledger.api_keys import create_api_key

__all__ = ["router"]

router = APIRouter(tags=["admin"], responses=AUTH)

MAX_ID = 2**63 - 1
"""Largest row id a database integer holds (larger ones are 422, not a crash)."""


@router.get("/dead-letters", response_model=list[DeadLetterPublic])
def dead_letters(
    service: ServiceDep,
    _key: ReadKey,
    limit: Annotated[int, Query(ge=1, description="At most 1000 are returned")] = 100,
) -> list[DeadLetterPublic]:
    """Rejected order records with their reason, oldest first."""
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
        for d in service.dead_letters(min(limit, 1000))
    ]


@router.post(
    "/dead-letters/{letter_id}/redrive",
    response_model=OutcomePublic,
    responses=NOT_FOUND,
)
def redrive(
    letter_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    service: ServiceDep,
    _key: AdminKey,
) -> OutcomePublic:
    """Submit a dead letter again (after fixing the SKU master, say)."""
    with not_found():  # only the letter's own absence is a 404
        service.ledger.stored_dead_letter(letter_id)
    o = service.redrive(letter_id)
    return OutcomePublic(
        key=o.key, action=o.action, status=o.status, decision=o.decision
    )


@router.post("/api-keys", response_model=KeyPublic, status_code=201)
def new_key(body: KeyCreate, service: ServiceDep, _key: AdminKey) -> KeyPublic:
    """Create an API key; the plain key is in this reply only."""
    # The new key acts for the seller of the key that made it.
    key = create_api_key(
        service.ledger.engine, body.name, body.scope, seller=service.ledger.seller
    )
    return KeyPublic(name=body.name, scope=body.scope, key=key)
