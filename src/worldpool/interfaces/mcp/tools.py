"""The MCP tools: each parses typed input, calls one service, returns a typed result.

Read tools carry ``readOnlyHint``; action tools go through
:func:`worldpool.assistant.service.act` (or ``decide``), so the API key's
scope and the approval policy both apply, and every outcome is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any

from mcp.server.fastmcp import Context as McpContext
from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from worldpool.assistant import ActionKind, lookup, service
from worldpool.context import Context
from worldpool.errors import WorldpoolError
from worldpool.interfaces.mcp._models import ActOut, ProposalOut, SignalOut, SignalsOut

__all__ = ["register"]

Actor = Callable[[McpContext[Any, Any, Any] | None], Context]
_READ = ToolAnnotations(readOnlyHint=True, openWorldHint=False)
_WRITE = ToolAnnotations(readOnlyHint=False, destructiveHint=False, openWorldHint=False)

Sku = Annotated[str, Field(description="SKU id", min_length=1, max_length=64)]
Market = Annotated[
    str, Field(description="Marketplace id (DE, US, UK ...)", min_length=2)
]
Qty = Annotated[int, Field(description="Units", gt=0, le=1_000_000)]


@contextmanager
def _errors() -> Iterator[None]:
    """Turn a worldpool error into a tool error the client sees as isError."""
    try:
        yield
    except WorldpoolError as exc:
        raise ToolError(f"{type(exc).__name__}: {exc}") from None


def _proposal(p: service.Proposal) -> ProposalOut:
    return ProposalOut(
        id=p.id,
        rank=p.rank,
        kind=p.kind,
        action=p.action,
        params=p.params,
        mode=p.mode,
        status=p.status,
        impact=p.impact,
        currency=p.currency,
        explanation=p.explanation,
        result=p.result,
    )


def _act(
    actor: Actor,
    mcp_ctx: McpContext[Any, Any, Any] | None,
    kind: ActionKind,
    params: dict[str, Any],
    value: float,
    reason: str,
) -> ActOut:
    with _errors():
        ctx = actor(mcp_ctx)
        ctx.require("operator")
        out = service.act(
            ctx, service.ActRequest(kind, params, Decimal(str(value)), reason)
        )
        return ActOut(**out.to_dict())


def _register_reads(server: FastMCP[Any], actor: Actor) -> None:
    @server.tool(annotations=_READ)
    def stock(
        sku: Sku, market: Market, ctx: McpContext[Any, Any, Any]
    ) -> dict[str, Any]:
        """Available-to-promise of a SKU in a market, by source node (FC or origin)."""
        with _errors():
            return lookup.stock(actor(ctx), sku, market)

    @server.tool(annotations=_READ)
    def order_route(
        channel: str, order_id: str, ctx: McpContext[Any, Any, Any]
    ) -> dict[str, Any]:
        """An order's status and routing decision, with the why."""
        with _errors():
            return lookup.order_route(actor(ctx), channel, order_id)

    @server.tool(annotations=_READ)
    def forecast(
        sku: Sku,
        market: Market,
        ctx: McpContext[Any, Any, Any],
        horizon_days: Annotated[int, Field(gt=0, le=365)] = 28,
    ) -> dict[str, Any]:
        """Demand forecast (mean and quantiles) of a SKU x market over a window."""
        with _errors():
            return lookup.forecast(actor(ctx), sku, market, horizon_days)

    @server.tool(annotations=_READ)
    def plan_lines(plan_id: str, ctx: McpContext[Any, Any, Any]) -> dict[str, Any]:
        """A stored replenishment plan with its lines and their why."""
        with _errors():
            return lookup.plan_lines(actor(ctx), plan_id)

    @server.tool(annotations=_READ)
    def landed_cost(
        sku: Sku, market: Market, ctx: McpContext[Any, Any, Any], quantity: Qty = 1
    ) -> dict[str, Any]:
        """Landed cost of a SKU in a market: duty, VAT, fees, freight, FX."""
        with _errors():
            return lookup.landed_cost(actor(ctx), sku, market, quantity)

    @server.tool(annotations=_READ)
    def hs_suggest(
        text: Annotated[str, Field(min_length=1, max_length=2000)],
        ctx: McpContext[Any, Any, Any],
        k: Annotated[int, Field(gt=0, le=10)] = 3,
    ) -> dict[str, Any]:
        """HS code suggestions for a product description."""
        with _errors():
            actor(ctx)
            return {"suggestions": lookup.hs_suggest(text, k)}

    _register_channel_reads(server, actor)
    _register_assistant_reads(server, actor)


def _register_channel_reads(server: FastMCP[Any], actor: Actor) -> None:
    @server.tool(annotations=_READ)
    def channels(ctx: McpContext[Any, Any, Any]) -> dict[str, Any]:
        """Every shop connection's sync health (read only).

        Per connection: seconds since its last good order poll, pushes waiting
        and the oldest one's age in seconds, pushes failed for good, last error.
        """
        with _errors():
            return {"connections": lookup.channels(actor(ctx))}


def _register_assistant_reads(server: FastMCP[Any], actor: Actor) -> None:
    # The assistant's own reads: its signals and its stored proposals.
    @server.tool(annotations=_READ)
    def signals(
        ctx: McpContext[Any, Any, Any], limit: Annotated[int, Field(gt=0, le=200)] = 20
    ) -> SignalsOut:
        """The assistant's signals (risks, priorities) by expected money impact."""
        with _errors():
            c = actor(ctx)
            found = service.signals(
                c, service.SignalsRequest(limit=limit, suggest_hs=False)
            )
            return SignalsOut(
                signals=[
                    SignalOut(
                        **{
                            k: v
                            for k, v in s.to_dict(c.language).items()
                            if k != "message"
                        }
                    )
                    for s in found
                ]
            )

    @server.tool(annotations=_READ)
    def proposals(
        ctx: McpContext[Any, Any, Any], status: str | None = "open"
    ) -> list[ProposalOut]:
        """Stored proposals (today's decisions), best first."""
        with _errors():
            return [_proposal(p) for p in service.proposals(actor(ctx), status=status)]


def _register_actions(server: FastMCP[Any], actor: Actor) -> None:
    @server.tool(annotations=_WRITE)
    def transfer(
        sku: Sku,
        market: Market,
        qty: Qty,
        ctx: McpContext[Any, Any, Any],
        mode: Annotated[str, Field(pattern="^(sea|air)$")] = "sea",
        value: Annotated[float, Field(ge=0)] = 0.0,
        reason: str = "",
    ) -> ActOut:
        """Send units hub -> the market's FC (sea; air to expedite). Policy applies."""
        kind = ActionKind.EXPEDITE_AIR if mode == "air" else ActionKind.APPROVE_TRANSFER
        return _act(
            actor, ctx, kind, {"sku": sku, "market": market, "qty": qty}, value, reason
        )

    @server.tool(annotations=_WRITE)
    def purchase_order(
        sku: Sku,
        qty: Qty,
        ctx: McpContext[Any, Any, Any],
        value: Annotated[float, Field(ge=0)] = 0.0,
        reason: str = "",
    ) -> ActOut:
        """Buy units from the supplier into the hub; policy applies."""
        return _act(
            actor, ctx, ActionKind.APPROVE_PO, {"sku": sku, "qty": qty}, value, reason
        )

    @server.tool(annotations=_WRITE)
    def serve_from_origin(
        sku: Sku,
        market: Market,
        ctx: McpContext[Any, Any, Any],
        allow: bool = True,
        reason: str = "",
    ) -> ActOut:
        """Let a SKU ship from origin to a market (launch mode), or stop it."""
        params = {"sku": sku, "market": market, "allow": allow}
        return _act(actor, ctx, ActionKind.SERVE_FROM_ORIGIN, params, 0.0, reason)

    @server.tool(annotations=_WRITE)
    def set_buffer(
        channel: str,
        sku: Sku,
        units: Annotated[int, Field(ge=0)],
        ctx: McpContext[Any, Any, Any],
        value: Annotated[float, Field(ge=0)] = 0.0,
        reason: str = "",
    ) -> ActOut:
        """Hold units back from what a channel is told is available."""
        params = {"channel": channel, "sku": sku, "units": units}
        return _act(actor, ctx, ActionKind.SET_BUFFER, params, value, reason)

    _register_fixes(server, actor)


def _register_fixes(server: FastMCP[Any], actor: Actor) -> None:
    # Actions that change master data or decide a stored proposal.
    @server.tool(annotations=_WRITE)
    def fix_hs_code(
        sku: Sku,
        hs_code: Annotated[str, Field(pattern=r"^[0-9.]{6,14}$")],
        ctx: McpContext[Any, Any, Any],
        reason: str = "",
    ) -> ActOut:
        """Set a SKU's HS code."""
        params = {"sku": sku, "hs_code": hs_code}
        return _act(actor, ctx, ActionKind.FIX_HS_CODE, params, 0.0, reason)

    @server.tool(annotations=_WRITE)
    def reprice(
        sku: Sku,
        market: Market,
        price: Annotated[float, Field(gt=0)],
        ctx: McpContext[Any, Any, Any],
        reason: str = "",
    ) -> ActOut:
        """Change a price (suggest-only by default policy)."""
        params = {"sku": sku, "market": market, "price": price}
        return _act(actor, ctx, ActionKind.REPRICE, params, 0.0, reason)

    @server.tool(annotations=_WRITE)
    def decide(
        proposal_id: int, approve: bool, ctx: McpContext[Any, Any, Any], note: str = ""
    ) -> ProposalOut:
        """Approve (and carry out) or reject a stored proposal."""
        with _errors():
            c = actor(ctx)
            return _proposal(service.decide(c, proposal_id, approve=approve, note=note))


def register(server: FastMCP[Any], actor: Actor) -> None:
    """Add every read and action tool to ``server``."""
    _register_reads(server, actor)
    _register_actions(server, actor)
