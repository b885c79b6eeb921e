"""Live channel connectors, one module per provider, found by channel id.

Done: Shopify (Admin GraphQL) and Amazon (SP-API). eBay, TikTok Shop,
Walmart, Temu and SHEIN have order/payload codecs in
:mod:`worldpool.orders.channels` but no live connector yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from worldpool.connectors.provider import Http, Provider
from worldpool.connectors.providers import amazon, shopify
from worldpool.connectors.throttle import TokenBucket
from worldpool.errors import UnknownReference

__all__ = ["PROVIDERS", "build_provider", "limits_for"]

PROVIDERS: dict[
    str, Callable[[Mapping[str, Any], Mapping[str, Any], Http], Provider]
] = {
    "amazon": amazon.Amazon,
    "shopify": shopify.Shopify,
}
"""Connector class per channel id."""

_LIMITS: dict[str, dict[str, tuple[float, float]]] = {"amazon": amazon.LIMITS}


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
