"""Shopify webhooks, verified exactly as Shopify signs them.

Shopify sends ``X-Shopify-Hmac-Sha256``: the base64 of the HMAC-SHA256 of the
raw request body keyed with the app's client secret. The digest is recomputed
over the raw bytes (before any JSON parsing) and compared in constant time.

References:
    shopify.dev, "About webhooks": verify webhooks (HTTPS delivery).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from worldpool.context import Context
from worldpool.errors import InputError
from worldpool.interfaces.api.deps import RoutingDep
from worldpool.interfaces.api.routes.orders import public_import
from worldpool.interfaces.api.schemas import ErrorPublic, ImportPublic
from worldpool.orders import service
from worldpool.textio import load_json

__all__ = ["TOPICS", "router", "shopify_signature"]

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

TOPICS = frozenset({"orders/create", "orders/updated", "orders/cancelled"})
"""Webhook topics that carry an order resource."""


def shopify_signature(body: bytes, secret: str) -> str:
    """Return the ``X-Shopify-Hmac-Sha256`` value Shopify sends for ``body``."""
    mac = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


@router.post(
    "/shopify",
    response_model=ImportPublic,
    responses={
        401: {"model": ErrorPublic, "description": "Bad or missing signature"},
        503: {"model": ErrorPublic, "description": "No Shopify secret configured"},
    },
)
async def shopify(
    request: Request,
    params: RoutingDep,
    x_shopify_hmac_sha256: Annotated[str | None, Header()] = None,
    x_shopify_topic: Annotated[str | None, Header()] = None,
) -> ImportPublic:
    """Receive an ``orders/*`` webhook; 401 unless the signature matches."""
    secret: str | None = request.app.state.shopify_secret
    if not secret:
        raise HTTPException(503, "Shopify webhooks are not configured (no secret)")
    raw = await request.body()
    expected = shopify_signature(raw, secret)
    if not x_shopify_hmac_sha256 or not hmac.compare_digest(
        expected.encode(), x_shopify_hmac_sha256.encode()
    ):
        raise HTTPException(401, "bad or missing X-Shopify-Hmac-Sha256 signature")
    if x_shopify_topic not in TOPICS:
        raise InputError(
            f"unsupported topic; expected one of {', '.join(sorted(TOPICS))}",
            record="webhook",
            field="X-Shopify-Topic",
            value=x_shopify_topic,
        )
    document = load_json(raw, "webhook")
    # A signed webhook acts for the shop's seller as worldpool itself.
    base: Context = request.app.state.ctx
    ctx = base.acting_as(user="webhook:shopify", role="system")
    source = f"webhook {x_shopify_topic}"
    report = await run_in_threadpool(
        service.import_orders, ctx, "shopify", document, source, params
    )
    return public_import(report)
