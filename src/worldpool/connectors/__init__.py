"""Channel connectors and the sync worker: orders in, stock and tracking out.

The only package besides ``interfaces`` that does network I/O (through
:mod:`worldpool.connectors._http`). See ``docs/how-to/channels.md``.
"""

from worldpool.connectors.buffers import BufferRule, load_buffer_rules, published_level
from worldpool.connectors.errors import (
    ChannelError,
    ProviderRejected,
    ProviderUnavailable,
)
from worldpool.connectors.provider import (
    OrderPage,
    Provider,
    ShipmentPush,
    StockPush,
    WebhookEvent,
)

__all__ = [
    "BufferRule",
    "ChannelError",
    "OrderPage",
    "Provider",
    "ProviderRejected",
    "ProviderUnavailable",
    "ShipmentPush",
    "StockPush",
    "WebhookEvent",
    "load_buffer_rules",
    "published_level",
]
