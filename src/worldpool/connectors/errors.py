"""Errors of the connectors capability (under ``WorldpoolError``).

::

    ChannelError                   a channel or carrier API call failed
    ├── ProviderRejected           4xx (not 429): retrying will not help
    ├── ProviderUnavailable        429/5xx/timeouts outlasted every retry
    ├── PushIncomplete             a stock push set some levels, not all
    └── LeaseLost                  this worker's connection lease ended: send nothing

Messages name the connection and the operation, the HTTP status and the
provider's own error code; never a credential, token or signed URL.
"""

from __future__ import annotations

from collections.abc import Iterable

from worldpool.errors import WorldpoolError

__all__ = [
    "ChannelError",
    "LeaseLost",
    "ProviderRejected",
    "ProviderUnavailable",
    "PushIncomplete",
]


class ChannelError(WorldpoolError):
    """A channel or carrier API call failed."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: object = None
        """The provider's decoded error reply, when there was one (never logged)."""


class ProviderRejected(ChannelError):
    """The provider refused the request (4xx other than 429)."""


class ProviderUnavailable(ChannelError):
    """The provider stayed throttled or down through every retry."""


class PushIncomplete(ChannelError):
    """A stock push set some SKUs' levels and not others.

    Raised by a connector whose push is several calls (TikTok Shop: one per
    product) or whose bulk call answers per SKU (eBay): every SKU of the push
    NOT in :attr:`failed` or :attr:`stale` was set. A caller that only knows
    :class:`ChannelError` sends the whole push again, which is safe (levels
    are absolute); the outbox delivers the set SKUs and retries the failed
    ones only (:mod:`worldpool.connectors.stock_push`).

    Args:
        message: The first failure (connection, operation, provider code).
        failed: SKUs whose level may not have been set.
        stale: SKUs refused by compare-and-set (see ``Provider.push_stock``).
    """

    def __init__(
        self,
        message: str,
        failed: Iterable[str],
        stale: Iterable[str] = (),
        *,
        status: int | None = None,
    ) -> None:
        super().__init__(message, status=status)
        self.failed = frozenset(failed)
        self.stale = frozenset(stale)


class LeaseLost(ChannelError):
    """The worker's lease on the connection ended (taken over): no request went.

    Raised before a request, never after one was sent; the rows of the batch
    belong to the connection's new holder.
    """
