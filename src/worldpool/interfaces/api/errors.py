"""Map worldpool errors to HTTP statuses, in one place."""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from worldpool.errors import (
    Forbidden,
    IdempotencyConflict,
    InputError,
    InsufficientStock,
    LedgerError,
    NotInitialised,
    UnknownReference,
    WorldpoolError,
)
from worldpool.interfaces.api.schemas import ErrorPublic
from worldpool.orders.errors import OrderLocked, OrderNotFound

__all__ = [
    "AUTH",
    "CONFLICT",
    "NOT_FOUND",
    "STATUS",
    "install_error_handlers",
    "json_errors",
    "not_found",
    "status_for",
]

Responses = dict[int | str, dict[str, Any]]
_log = logging.getLogger("worldpool.api")

AUTH: Responses = {
    401: {"model": ErrorPublic, "description": "Missing or unknown API key"},
    403: {"model": ErrorPublic, "description": "The key's scope is too weak"},
}
"""Documented responses of every route behind an API key (``responses=``)."""

NOT_FOUND: Responses = {
    404: {"model": ErrorPublic, "description": "The resource the path names is absent"}
}
"""Documented 404 of routes whose path names a resource."""

CONFLICT: Responses = {
    409: {
        "model": ErrorPublic,
        "description": "Refused in the order's state, or not enough stock",
    }
}
"""Documented 409 of routes that change an order's state."""


def json_errors(responses: Responses) -> Responses:
    """Return ``responses`` with their models as explicit JSON bodies.

    FastAPI documents an extra response's model under the route's own media
    type; a route answering HTML would then claim its 401/404 are HTML too.
    """
    return {
        code: {
            "description": r["description"],
            "content": {
                "application/json": {
                    "schema": {"$ref": f"#/components/schemas/{r['model'].__name__}"}
                }
            },
        }
        for code, r in responses.items()
    }


# Most specific first: the first matching class decides the status.
STATUS: tuple[tuple[type[WorldpoolError], int], ...] = (
    (OrderNotFound, 404),
    (OrderLocked, 409),
    (InsufficientStock, 409),
    (IdempotencyConflict, 409),
    (LedgerError, 503),
    (InputError, 422),
    (Forbidden, 403),
    (NotInitialised, 503),
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
    if isinstance(exc, InputError) and code == 422:
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


async def _http(request: Request, exc: Exception) -> Response:
    # FastAPI answers 400 when a JSON body cannot even be decoded (not UTF-8);
    # that is invalid input like any other, so 422 naming the body.
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        detail = [{"loc": ["body"], "msg": f"body is not JSON: {exc.__cause__}",
                   "type": "json_invalid"}]  # fmt: skip
        return JSONResponse({"detail": detail}, status_code=422)
    return await http_exception_handler(request, exc)


def _finite(value: Any) -> Any:
    # JSON has no NaN or Infinity: echo such an input as its text.
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


async def _invalid(_request: Request, exc: Exception) -> JSONResponse:
    # FastAPI's own handler echoes each bad input; a NaN literal in the body
    # (Python's JSON reader accepts it) made that reply a 500.
    assert isinstance(exc, RequestValidationError)
    detail = _finite(jsonable_encoder(exc.errors()))
    return JSONResponse({"detail": detail}, status_code=422)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    # A bug, not the caller's input: a short answer with an id to quote; the
    # trace goes to the server log only (never to the client).
    error_id = uuid.uuid4().hex[:10]
    _log.error("unexpected error %s", error_id, exc_info=exc)
    body = {
        "detail": f"unexpected server error (error id {error_id})",
        "type": "InternalError",
        "error_id": error_id,
    }
    return JSONResponse(body, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Register the worldpool error handlers on ``app``.

    Any other exception answers 500 with a short message and an error id; its
    trace is logged on the server under that id.
    """
    app.add_exception_handler(Exception, _unexpected)
    app.add_exception_handler(WorldpoolError, _handle)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(StarletteHTTPException, _http)
