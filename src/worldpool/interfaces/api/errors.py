"""Map worldpool errors to HTTP statuses, in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from worldpool.errors import (
    IdempotencyConflict,
    InputError,
    InsufficientStock,
    LedgerError,
    UnknownReference,
    WorldpoolError,
)
from worldpool.orders.errors import OrderLocked, OrderNotFound

__all__ = ["STATUS", "install_error_handlers", "not_found", "status_for"]

# Most specific first: the first matching class decides the status.
STATUS: tuple[tuple[type[WorldpoolError], int], ...] = (
    (OrderNotFound, 404),
    (OrderLocked, 409),
    (InsufficientStock, 409),
    (IdempotencyConflict, 409),
    (LedgerError, 503),
    (InputError, 422),
    (WorldpoolError, 400),
)


def status_for(exc: WorldpoolError) -> int:
    """Return the HTTP status of ``exc``."""
    return next(code for cls, code in STATUS if isinstance(exc, cls))


@contextmanager
def not_found() -> Iterator[None]:
    """Answer 404 for an unknown id named in the path (elsewhere it is a 422).

    An :class:`UnknownReference` in a body or query is bad input (422); the
    same error for the resource the URL names means the resource is absent.
    """
    try:
        yield
    except UnknownReference as exc:
        raise HTTPException(404, str(exc)) from None


async def _handle(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WorldpoolError)
    code = status_for(exc)
    if isinstance(exc, InputError):
        loc = ["body", *(exc.field.split(".") if exc.field else [])]
        detail = [
            {
                "loc": loc,
                "msg": exc.message,
                "type": type(exc).__name__,
                "record": exc.record,
                "row": exc.row,
            }
        ]
        return JSONResponse({"detail": detail}, status_code=code)
    return JSONResponse(
        {"detail": str(exc), "type": type(exc).__name__}, status_code=code
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the worldpool error handler on ``app``."""
    app.add_exception_handler(WorldpoolError, _handle)
