"""``POST /webhooks/shopify``: an alias of ``POST /channels/{name}/webhooks``.

One path does the job: the alias finds the seller's Shopify connection the
webhook is for (by Shopify's ``X-Shopify-Shop-Domain`` header, matched against
the connection's shop host; or the only Shopify connection) and hands the
request to the per-connection route, which checks the signature with that
connection's ``webhook_secret``, drops repeated event ids and stale versions.

References:
    shopify.dev, "About webhooks": headers ``X-Shopify-Shop-Domain``,
    ``X-Shopify-Hmac-Sha256``, ``X-Shopify-Webhook-Id``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from starlette.concurrency import run_in_threadpool

from worldpool.connectors import service
from worldpool.interfaces.api.errors import Responses, not_found
from worldpool.interfaces.api.routes import channels
from worldpool.interfaces.api.schemas import ErrorPublic

__all__ = ["router"]

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

_RESPONSES: Responses = {
    401: {"model": ErrorPublic, "description": "Bad or missing signature"},
    404: {"model": ErrorPublic, "description": "No single connection for this shop"},
}


@router.post("/shopify", responses=_RESPONSES)
async def shopify(
    request: Request,
    x_shopify_shop_domain: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Receive a Shopify webhook for the shop's connection (see the module)."""
    ctx = channels.system_ctx(request, "webhook:shopify")
    with not_found():
        name = await run_in_threadpool(
            service.webhook_connection, ctx, "shopify", x_shopify_shop_domain
        )
    return await channels.webhook(name, request)
