"""Carry out (and undo) each action kind inside the caller's transaction.

Each executor takes ``(ctx, conn, params, reference)`` and returns the result
as plain data; a reversible action also returns what its undo needs under
``"undo"``. Execution goes through :mod:`worldpool.assistant._services` only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection

from worldpool.assistant import _services as svc
from worldpool.assistant.signal import ActionKind
from worldpool.context import Context
from worldpool.errors import InputError

__all__ = ["REVERSIBLE", "execute", "undo"]

Params = Mapping[str, Any]
Executor = Callable[[Context, Connection, Params, str], dict[str, Any]]

REVERSIBLE = frozenset(
    {ActionKind.SERVE_FROM_ORIGIN, ActionKind.SET_BUFFER, ActionKind.FIX_HS_CODE}
)
"""Actions whose effect can be taken back (a shipped transfer or sent PO cannot)."""


def _need(params: Params, field: str, action: str) -> Any:
    value = params.get(field)
    if value in (None, ""):
        raise InputError(f"{action} needs {field}", record=action, field=field)
    return value


def _qty(params: Params, action: str) -> int:
    qty = int(_need(params, "qty", action))
    if qty <= 0:
        raise InputError("qty must be > 0", record=action, field="qty", value=qty)
    return qty


def _transfer(mode: str) -> Executor:
    def run(ctx: Context, conn: Connection, p: Params, ref: str) -> dict[str, Any]:
        """Post the transfer by ``mode``."""
        action = f"{mode} transfer"
        return svc.post_transfer(
            ctx,
            conn,
            sku=str(_need(p, "sku", action)),
            market=str(_need(p, "market", action)),
            qty=_qty(p, action),
            mode=mode,
            reference=ref,
        )

    return run


def _po(ctx: Context, conn: Connection, p: Params, ref: str) -> dict[str, Any]:
    payload = {
        "sku": str(_need(p, "sku", "approve_po")),
        "qty": _qty(p, "approve_po"),
        "market": p.get("market"),
        "reference": ref,
    }
    queued = svc.send_message(
        ctx,
        conn,
        topic="purchase_order.create",
        destination=str(p.get("supplier", "supplier")),
        key=f"po:{ref}",
        payload=payload,
    )
    return payload | {"queued": queued}


def _origin(ctx: Context, conn: Connection, p: Params, ref: str) -> dict[str, Any]:
    sku, market = str(_need(p, "sku", "origin")), str(_need(p, "market", "origin"))
    ctx.catalog.marketplace(market)
    allow = bool(p.get("allow", True))
    before = svc.update_sku(ctx, conn, sku)  # read the current record
    ffo = (
        set(before.ffo_markets) | {market}
        if allow
        else set(before.ffo_markets) - {market}
    )
    listed = set(before.listed_markets) | ({market} if allow else set())
    svc.update_sku(
        ctx,
        conn,
        sku,
        ffo_markets=tuple(sorted(ffo)),
        listed_markets=tuple(sorted(listed)),
    )
    return {
        "sku": sku,
        "market": market,
        "allow": allow,
        "undo": {
            "ffo_markets": list(before.ffo_markets),
            "listed_markets": list(before.listed_markets),
        },
    }


def _buffer(ctx: Context, conn: Connection, p: Params, ref: str) -> dict[str, Any]:
    channel, sku = (
        str(_need(p, "channel", "set_buffer")),
        str(_need(p, "sku", "set_buffer")),
    )
    units = int(p.get("units", 0))
    if units < 0:
        raise InputError(
            "units must be >= 0", record="set_buffer", field="units", value=units
        )
    before = svc.set_buffer(ctx, conn, channel, sku, units)
    return {"channel": channel, "sku": sku, "units": units, "undo": {"units": before}}


def _hs(ctx: Context, conn: Connection, p: Params, ref: str) -> dict[str, Any]:
    sku, code = (
        str(_need(p, "sku", "fix_hs_code")),
        str(_need(p, "hs_code", "fix_hs_code")),
    )
    digits = code.replace(".", "")
    if not digits.isdigit() or len(digits) < 6:
        raise InputError(
            "HS code needs at least 6 digits",
            record="fix_hs_code",
            field="hs_code",
            value=code,
        )
    before = svc.update_sku(ctx, conn, sku, hs_code=digits)
    return {"sku": sku, "hs_code": digits, "undo": {"hs_code": before.hs_code}}


def _reprice(ctx: Context, conn: Connection, p: Params, ref: str) -> dict[str, Any]:
    payload = {
        "sku": str(_need(p, "sku", "reprice")),
        "market": p.get("market"),
        "price": str(_need(p, "price", "reprice")),
        "reference": ref,
    }
    queued = svc.send_message(
        ctx,
        conn,
        topic="listing.price",
        destination="channels",
        key=f"price:{ref}",
        payload=payload,
    )
    return payload | {"queued": queued}


def _review(ctx: Context, conn: Connection, p: Params, ref: str) -> dict[str, Any]:
    raise InputError(
        "a review has nothing to carry out; reject it when done",
        record="review",
        field="action",
    )


_EXECUTORS: dict[ActionKind, Executor] = {
    ActionKind.APPROVE_TRANSFER: _transfer("sea"),
    ActionKind.EXPEDITE_AIR: _transfer("air"),
    ActionKind.APPROVE_PO: _po,
    ActionKind.SERVE_FROM_ORIGIN: _origin,
    ActionKind.SET_BUFFER: _buffer,
    ActionKind.FIX_HS_CODE: _hs,
    ActionKind.REPRICE: _reprice,
    ActionKind.REVIEW: _review,
}


def execute(
    ctx: Context, conn: Connection, kind: ActionKind, params: Params, reference: str
) -> dict[str, Any]:
    """Carry out one action in ``conn``; return its result as plain data."""
    return _EXECUTORS[kind](ctx, conn, params, reference)


def undo(
    ctx: Context, conn: Connection, kind: ActionKind, params: Params, result: Params
) -> dict[str, Any]:
    """Take back a reversible action from what its result recorded."""
    back = dict(result.get("undo") or {})
    if kind not in REVERSIBLE or not back:
        raise InputError(
            f"{kind} cannot be undone", record="undo", field="action", value=str(kind)
        )
    sku = str(params.get("sku") or result.get("sku"))
    if kind is ActionKind.SET_BUFFER:
        svc.set_buffer(ctx, conn, str(result["channel"]), sku, int(back["units"]))
    elif kind is ActionKind.FIX_HS_CODE:
        svc.update_sku(ctx, conn, sku, hs_code=back["hs_code"])
    else:
        svc.update_sku(
            ctx,
            conn,
            sku,
            ffo_markets=tuple(back["ffo_markets"]),
            listed_markets=tuple(back["listed_markets"]),
        )
    return {"restored": back}
