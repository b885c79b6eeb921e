"""Retry delays: capped exponential backoff with full jitter, honouring Retry-After.

References:
    Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog (2015):
    "full jitter" draws the delay uniformly in [0, min(cap, base * 2**n)].
    RFC 9110 section 10.2.3, ``Retry-After`` (delta-seconds or an HTTP-date).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from random import Random

__all__ = ["delay_s", "parse_retry_after"]


def delay_s(
    attempt: int,
    rng: Random,
    *,
    retry_after_s: float | None = None,
    base_s: float = 0.1,
    cap_s: float = 30.0,
) -> float:
    """Return seconds to wait before retry number ``attempt`` (0 = first retry).

    Args:
        attempt: How many retries were already made.
        rng: Random source (seeded in tests and benchmarks).
        retry_after_s: The server's ``Retry-After`` in seconds, when it sent one;
            the delay is never shorter (plus up to ``base_s`` of jitter so a
            crowd of clients does not return in the same millisecond).
        base_s: First backoff step, in seconds.
        cap_s: Longest backoff, in seconds.
    """
    if retry_after_s is not None:
        return min(cap_s, max(0.0, retry_after_s)) + rng.uniform(0.0, base_s)
    return rng.uniform(0.0, min(cap_s, base_s * 2.0**attempt))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Return a ``Retry-After`` header value in seconds, or None if absent/bad.

    Args:
        value: The header: delta-seconds (``"2"``, ``"0.5"``) or an HTTP-date.
        now: Current time for an HTTP-date (default: now, UTC).
    """
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
