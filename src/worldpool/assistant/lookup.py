"""Read-only look-ups the assistant's tools offer (MCP, the agent): one service each.

Stock and ATP, an order's route, forecasts, plan lines, landed cost, HS
suggestions, and the role an API key acts with.
"""

from __future__ import annotations

from typing import Any

from worldpool.assistant import _services
from worldpool.context import Context, Role
from worldpool.errors import Forbidden

__all__ = [
    "channels",
    "forecast",
    "hs_suggest",
    "landed_cost",
    "order_route",
    "plan_lines",
    "role_for_key",
    "stock",
]

_ROLE_OF_SCOPE: dict[str, Role] = {
    "read": "viewer",
    "write": "operator",
    "admin": "owner",
}


def role_for_key(ctx: Context, key: str | None) -> Role:
    """Return the role of an API key (read: viewer, write: operator, admin: owner).

    Raises:
        Forbidden: the key is unknown or revoked.
    """
    if not key:
        raise Forbidden("an API key is needed (X-API-Key or WORLDPOOL_API_KEY)")
    scope = _services.key_scope(ctx, key)
    if scope is None:
        raise Forbidden("invalid or revoked API key")
    return _ROLE_OF_SCOPE[scope]


def stock(ctx: Context, sku: str, market: str) -> dict[str, Any]:
    """Return available-to-promise of a SKU in a market, by source (read only)."""
    return _services.atp(ctx, sku, market)


def order_route(ctx: Context, channel: str, order_id: str) -> dict[str, Any]:
    """Return an order's status and routing decision (read only)."""
    return _services.order_route(ctx, channel, order_id)


def forecast(
    ctx: Context, sku: str, market: str, horizon_days: int = 28
) -> dict[str, Any]:
    """Return the demand forecast of a SKU x market (read only)."""
    return _services.forecast(ctx, sku, market, horizon_days)


def plan_lines(ctx: Context, plan_id: str) -> dict[str, Any]:
    """Return a stored plan and its lines (read only)."""
    return _services.plan_lines(ctx, plan_id)


def landed_cost(
    ctx: Context, sku: str, market: str, quantity: int = 1
) -> dict[str, Any]:
    """Return the landed-cost breakdown of a SKU in a market (read only)."""
    return _services.landed_cost(ctx, sku, market, quantity)


def hs_suggest(text: str, k: int = 3) -> list[dict[str, Any]]:
    """Return HS code suggestions for a product description (read only)."""
    return _services.hs_suggestions(text, k)


def channels(ctx: Context) -> list[dict[str, Any]]:
    """Return each shop connection's sync health: lag (s), queue, errors (read only)."""
    return _services.channel_sync_rows(ctx)
