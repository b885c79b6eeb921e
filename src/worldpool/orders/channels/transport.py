"""The one httpx-based transport: sends fulfilment requests to a channel's API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from worldpool.orders.channels.base import FulfilmentRequest

__all__ = ["HttpTransport"]


class HttpTransport:
    """Send :class:`FulfilmentRequest` values through an ``httpx.Client``.

    Args:
        client: A client with ``base_url`` and auth headers set. Tests pass one
            built on ``httpx.MockTransport`` fed with the channel's documented
            replies.
    """

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def send(self, request: FulfilmentRequest) -> Mapping[str, Any]:
        """Send ``request`` and return the decoded JSON reply (``{}`` if empty).

        Raises:
            httpx.HTTPStatusError: on a 4xx/5xx reply.
        """
        reply = self._client.request(
            request.method, request.path, json=dict(request.body)
        )
        reply.raise_for_status()
        if not reply.content:
            return {}
        data = reply.json()
        return data if isinstance(data, dict) else {"data": data}
