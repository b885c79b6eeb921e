"""Live channel connectors, one module per provider, found by channel id.

API connectors: Shopify (Admin GraphQL), Amazon (SP-API), eBay (Sell
Fulfillment + Inventory APIs), TikTok Shop (Open API 202309) and Walmart
Marketplace (v3). Temu and SHEIN are file-exchange connectors: their partner
APIs are open only to approved partners and not publicly documented well
enough to follow, so worldpool reads their seller-centre order exports and
writes stock import files (see ``docs/how-to/connectors.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from worldpool.connectors.provider import Http, Provider, WebhookEvent
from worldpool.connectors.providers import (
    amazon,
    ebay,
    files,
    shopify,
    tiktok_shop,
    walmart,
)
from worldpool.connectors.throttle import TokenBucket
from worldpool.errors import UnknownReference

__all__ = ["CREDENTIAL_NAMES", "PROVIDERS", "WEBHOOKS", "build_provider", "limits_for"]

PROVIDERS: dict[
    str, Callable[[Mapping[str, Any], Mapping[str, Any], Http], Provider]
] = {
    "amazon": amazon.Amazon,
    "ebay": ebay.Ebay,
    "shein": files.Shein,
    "shopify": shopify.Shopify,
    "temu": files.Temu,
    "tiktok_shop": tiktok_shop.TikTokShop,
    "walmart": walmart.Walmart,
}
"""Connector class per channel id."""

CREDENTIAL_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "amazon": (("refresh_token", "client_id", "client_secret"), ()),
    "ebay": (("client_id", "client_secret", "refresh_token"), ()),
    "shein": ((), ()),
    "shopify": (("access_token",), ("webhook_secret",)),
    "temu": ((), ()),
    "tiktok_shop": (("app_key", "app_secret", "refresh_token"), ()),
    "walmart": (("client_id", "client_secret"), ("webhook_secret",)),
}
"""(required, optional) credential names per channel id, as each connector
reads them (Amazon: LWA refresh token + app client; eBay: OAuth app + user
refresh token; TikTok Shop: app key/secret + refresh token; Walmart: client
credentials; Shopify: Admin API access token; a webhook secret where the
channel signs its webhooks with one). The file channels need none."""

Verifier = Callable[
    [Mapping[str, str], bytes, Mapping[str, Any], Mapping[str, Any]],
    WebhookEvent | None,
]
"""(lower-case headers, raw body, credentials, settings) -> event, or None
when the signature does not hold."""


def _shopify_webhook(
    headers: Mapping[str, str],
    body: bytes,
    credentials: Mapping[str, Any],
    settings: Mapping[str, Any],
) -> WebhookEvent | None:
    return shopify.verify_webhook(
        headers, body, str(credentials.get("webhook_secret", ""))
    )


WEBHOOKS: dict[str, Verifier] = {
    "ebay": ebay.verify_webhook,
    "shopify": _shopify_webhook,
    "tiktok_shop": tiktok_shop.verify_webhook,
    "walmart": walmart.verify_webhook,
}
"""Webhook signature check per channel id (channels without one: polling only)."""

_LIMITS: dict[str, dict[str, tuple[float, float]]] = {
    "amazon": amazon.LIMITS,
    "ebay": ebay.LIMITS,
    "tiktok_shop": tiktok_shop.LIMITS,
    "walmart": walmart.LIMITS,
}


def build_provider(
    channel: str,
    settings: Mapping[str, Any],
    credentials: Mapping[str, Any],
    http: Http,
) -> Provider:
    """Return the connector of ``channel``.

    Raises:
        UnknownReference: no live connector for that channel.
    """
    try:
        factory = PROVIDERS[channel]
    except KeyError:
        raise UnknownReference(
            f"no live connector for this channel; available: {', '.join(PROVIDERS)}",
            record="connection",
            field="channel",
            value=channel,
        ) from None
    return factory(settings, credentials, http)


def limits_for(channel: str, settings: Mapping[str, Any]) -> dict[str, TokenBucket]:
    """Return token buckets per operation: documented defaults, then overrides.

    ``settings["rate_limits"]`` maps an operation to ``[rate_per_s, burst]``.
    """
    table = dict(_LIMITS.get(channel, {}))
    for op, pair in (settings.get("rate_limits") or {}).items():
        table[str(op)] = (float(pair[0]), float(pair[1]))
    return {op: TokenBucket(rate, burst) for op, (rate, burst) in table.items()}
