"""The ledger's one retry policy: bounded attempts, exponential backoff, jitter.

Every write path of the ledger (posting movements, writing orders) and the
services that re-decide after losing a race go through :func:`retrying`, so
there is one place that says what is worth another try and how long to wait:

* a PostgreSQL serialization failure (``40001``) or deadlock (``40P01``);
* a dropped connection (server restart): safe, because every write carries an
  idempotency key or a revision check, so a repeat of a write that did commit
  is a no-op;
* whatever the caller names in ``also`` (an optimistic-concurrency loser, for
  example :class:`~worldpool.ledger.order_book.ConcurrentChange`), after which
  the caller reads again and decides again.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import DBAPIError

__all__ = ["DEFAULT_RETRY", "RetryPolicy", "is_transient", "retrying"]

T = TypeVar("T")

_RETRY_SQLSTATES = frozenset({"40001", "40P01"})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to try again."""

    attempts: int = 8
    """Tries in all (the first one included)."""
    base_s: float = 0.001
    """Wait before the second try, in seconds; doubles per try."""
    cap_s: float = 0.05
    """Longest wait between two tries, in seconds."""

    def delay(self, attempt: int) -> float:
        """Return the wait after failed try ``attempt`` (0-based), with jitter, in s."""
        ceiling = min(self.cap_s, self.base_s * float(1 << attempt))
        # Full jitter in [ceiling/2, ceiling]: racing writers spread out.
        jitter: float = 0.5 + random.random() / 2
        return ceiling * jitter


DEFAULT_RETRY = RetryPolicy()
"""The policy every ledger write uses."""


def is_transient(exc: BaseException) -> bool:
    """True when ``exc`` is a database error worth one more try (see module doc)."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None)
    return bool(exc.connection_invalidated) or code in _RETRY_SQLSTATES


def retrying(
    fn: Callable[[], T],
    *,
    also: tuple[type[BaseException], ...] = (),
    policy: RetryPolicy = DEFAULT_RETRY,
) -> T:
    """Call ``fn`` until it returns, retrying transient failures and ``also``.

    Args:
        fn: The whole unit of work (it opens its own transaction).
        also: Further exception types that mean "read again and retry".
        policy: Attempts and waits.

    Raises:
        The last exception when every attempt failed, or at once any exception
        that is neither transient nor in ``also``.
    """
    for attempt in range(policy.attempts - 1):
        try:
            return fn()
        except Exception as exc:
            if not (isinstance(exc, also) or is_transient(exc)):
                raise
        time.sleep(policy.delay(attempt))
    return fn()
