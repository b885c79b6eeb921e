"""Client-side rate limits: token buckets per operation and Shopify's cost bucket.

Amazon SP-API documents a *rate* (requests per second restored) and a *burst*
(bucket size) per operation, e.g. ``getOrders`` 0.0167/s burst 20 and
``patchListingsItem`` 5/s burst 5; eBay, TikTok Shop and Walmart publish
per-call quotas of the same shape. Shopify's Admin GraphQL API is cost-based:
each query costs points from a bucket (``throttleStatus.maximumAvailable``,
``restoreRate`` points per second, ``currentlyAvailable`` now) that every reply
reports in ``extensions.cost``.

References:
    developer-docs.amazon.com/sp-api, "Usage Plans and Rate Limits".
    shopify.dev, "Shopify API rate limits" (GraphQL Admin API, calculated cost).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CostBucket", "TokenBucket"]


@dataclass
class TokenBucket:
    """A token bucket of ``burst`` tokens refilled at ``rate`` per second."""

    rate: float
    """Tokens restored per second."""
    burst: float
    """Bucket size (requests that may go at once after a quiet spell)."""
    tokens: float = -1.0
    """Tokens now (the default starts full; below 0: owed by waiting callers)."""
    stamp: float | None = None
    """Monotonic time of the last update, in seconds."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, now: float, cost: float = 1.0) -> float:
        """Take ``cost`` tokens at time ``now``; return seconds to wait first (0: go).

        The tokens are taken even when the caller must wait (they are owed), so
        concurrent callers queue up in order.
        """
        with self._lock:
            self._refill(now)
            self.tokens -= cost
            return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def _refill(self, now: float) -> None:
        """Restore tokens up to ``now`` (caller holds the lock).

        A new bucket starts full. Tokens below 0 are owed by callers already
        told to wait: they are paid back by the refill, never forgiven (the
        bucket refilled itself to ``burst`` whenever a debt was seen before
        2026-12-06, so a busy client ran far above ``rate``). A ``now`` older
        than the last one (taken before the lock by another thread) adds
        nothing.
        """
        if self.stamp is None:
            if self.tokens < 0:
                self.tokens = self.burst
            self.stamp = now
            return
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def try_take(self, now: float, cost: float = 1.0) -> bool:
        """Take ``cost`` tokens at ``now`` only if they are there; True if taken."""
        with self._lock:
            self._refill(now)
            if self.tokens < cost:
                return False
            self.tokens -= cost
            return True


@dataclass
class CostBucket:
    """Shopify's calculated-cost bucket, as the last reply reported it."""

    maximum: float = 1000.0
    """``maximumAvailable`` points."""
    restore_rate: float = 50.0
    """``restoreRate`` points per second."""
    available: float = 1000.0
    """``currentlyAvailable`` points at ``stamp``."""
    stamp: float | None = None
    """Monotonic time of the last report, in seconds."""

    def wait_for(self, cost: float, now: float) -> float:
        """Return seconds to wait before a query of ``cost`` points may go."""
        have = self.available
        if self.stamp is not None:
            have = min(self.maximum, have + (now - self.stamp) * self.restore_rate)
        return 0.0 if have >= cost else (cost - have) / self.restore_rate

    def update(self, extensions: Mapping[str, Any] | None, now: float) -> None:
        """Read ``extensions.cost.throttleStatus`` of a reply (ignored if absent)."""
        status = ((extensions or {}).get("cost") or {}).get("throttleStatus")
        if not isinstance(status, Mapping):
            return
        self.maximum = float(status.get("maximumAvailable", self.maximum))
        self.restore_rate = float(status.get("restoreRate", self.restore_rate))
        self.available = float(status.get("currentlyAvailable", self.available))
        self.stamp = now
