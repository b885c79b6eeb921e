"""Channel adapters, one module per marketplace, found by name.

Adding a channel means adding one module here that defines ``CHANNEL``,
``FORMAT``, ``split``, ``parse_order`` and ``build_fulfilment``; nothing else
changes (modules starting with ``_`` and the ``base``/``transport`` modules are
not adapters).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import cast

from worldpool.errors import UnknownReference
from worldpool.orders.channels.base import (
    ChannelAdapter,
    FulfilmentRequest,
    Shipment,
    Transport,
)

__all__ = [
    "ChannelAdapter",
    "FulfilmentRequest",
    "Shipment",
    "Transport",
    "adapter",
    "adapters",
]

_NOT_ADAPTERS = frozenset({"base", "transport"})


@cache
def adapters() -> dict[str, ChannelAdapter]:
    """Return every adapter module by channel id, sorted by id."""
    found: dict[str, ChannelAdapter] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _NOT_ADAPTERS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "CHANNEL"):
            found[module.CHANNEL] = cast(ChannelAdapter, module)
    return dict(sorted(found.items()))


def adapter(channel: str) -> ChannelAdapter:
    """Return the adapter of ``channel``.

    Raises:
        UnknownReference: when no adapter module defines that channel.
    """
    try:
        return adapters()[channel]
    except KeyError:
        raise UnknownReference(
            f"no adapter for channel; known: {', '.join(adapters())}",
            record="channel",
            field="channel",
            value=channel,
        ) from None
