"""What a worker knows of one channel's shown stock while it holds the connection.

An absolute level computed before the channel's latest sales were ingested
overwrites the channel's own decrement: the channel then sells those units
twice. The slot that holds a connection notes here the level the channel
acknowledged per SKU and the units of the channel's own orders it ingested
since, so that:

* a connector that can compare-and-set (Shopify ``changeFromQuantity``) sends
  ``expected`` = acknowledged level - own sales ingested since; the channel
  refuses the set when a sale it made is not ingested yet, and the level is
  recomputed after the next poll;
* a connector that cannot (Amazon listings) holds back the units the channel
  is likely to sell while the level is in flight: its recent sales rate of the
  SKU x (time since the last poll started + the last push's duration).

The worker keeps the view while it gives the connection back and takes it
again; if another worker polled the connection meanwhile (its cursor moved),
the expectations are reset, so none is carried across workers.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping

__all__ = ["ChannelView"]


class ChannelView:
    """Per-SKU acknowledged levels, own sales since, and recent sales rate.

    Args:
        window_s: Sales older than this do not count in the rate, in seconds.
        clock: Monotonic clock (seconds).
    """

    def __init__(
        self, window_s: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window_s = window_s
        self._now = clock
        self._shown: dict[str, int] = {}
        self._sold: Counter[str] = Counter()
        self._recent: deque[tuple[float, str, int]] = deque()
        self._rate: Counter[str] = Counter()
        self._born = self._now()
        self.fetched_at: float | None = None
        """When the last completed poll started (its fetch), monotonic s."""
        self._stale: dict[str, tuple[float, int]] = {}
        self.push_s = 0.0
        """How long the last stock push took, in seconds."""
        self._lock = threading.Lock()

    def note_poll(self, started_at: float, sold: Mapping[str, int]) -> None:
        """Record a finished poll that began at ``started_at`` and its new units."""
        with self._lock:
            self.fetched_at = started_at
            now = self._now()
            for sku, units in sold.items():
                if units:
                    self._sold[sku] += units
                    self._recent.append((now, sku, units))
                    self._rate[sku] += units
            self._expire(now)

    def _expire(self, now: float) -> None:
        while self._recent and self._recent[0][0] < now - self.window_s:
            _t, sku, units = self._recent.popleft()
            self._rate[sku] -= units
            if self._rate[sku] <= 0:
                del self._rate[sku]

    def snapshot(self, skus: list[str]) -> dict[str, tuple[int | None, int]]:
        """Return per SKU (expected level or None if unknown, own sales noted).

        Take it BEFORE reading ATP: every sale it counts is then already in
        the ATP the new level is computed from.
        """
        with self._lock:
            out: dict[str, tuple[int | None, int]] = {}
            for sku in skus:
                sold = self._sold.get(sku, 0)
                shown = self._shown.get(sku)
                out[sku] = (None if shown is None else shown - sold, sold)
            return out

    def note_set(self, sku: str, level: int, sold_at_snapshot: int) -> None:
        """The channel acknowledged ``level``; sales noted after the snapshot stay."""
        with self._lock:
            self._shown[sku] = level
            self._stale.pop(sku, None)
            left = self._sold.get(sku, 0) - sold_at_snapshot
            if left > 0:
                self._sold[sku] = left
            else:
                self._sold.pop(sku, None)

    def note_stale(self, sku: str, strikes: int = 3) -> None:
        """The channel refused a compare-and-set of ``sku`` (a sale not ingested).

        Normally the next poll ingests that sale and the retry matches. A
        refusal again after ``strikes`` polls means the expectation itself is
        wrong (a set that timed out but landed, a change made in the shop):
        the SKU is forgotten, so its next set is unconditional.
        """
        with self._lock:
            marked, count = self._stale.get(sku, (float("-inf"), 0))
            if self.fetched_at is not None and self.fetched_at > marked:
                count += 1
            if count >= strikes:
                self._stale.pop(sku, None)
                self._shown.pop(sku, None)
                self._sold.pop(sku, None)
                return
            self._stale[sku] = (self._now(), count)

    def reset(self) -> None:
        """Drop every expectation (another worker held the connection meanwhile)."""
        with self._lock:
            self._shown.clear()
            self._sold.clear()
            self._stale.clear()

    def forget(self, sku: str) -> None:
        """Drop what is known of ``sku`` (its next set is unconditional)."""
        with self._lock:
            self._shown.pop(sku, None)
            self._sold.pop(sku, None)
            self._stale.pop(sku, None)

    def in_flight(self, sku: str) -> int:
        """Units the channel may sell of ``sku`` before a level sent now lands.

        Its sales rate over the last ``window_s`` (units/s) x the time since
        the last poll began plus the last push's duration, rounded.
        """
        with self._lock:
            now = self._now()
            self._expire(now)
            units = self._rate.get(sku, 0)
            if not units:
                return 0
            span = max(1.0, min(self.window_s, now - self._born))
            since = now - (self.fetched_at if self.fetched_at is not None else now)
            # Rounded half up: a SKU that sold once in the window holds nothing.
            return math.floor(units / span * (since + self.push_s) + 0.5)
