"""The ledger's one retry policy: what it retries, how often, how long it waits."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from worldpool.errors import InsufficientStock
from worldpool.ledger.retry import RetryPolicy, is_transient, retrying

FAST = RetryPolicy(attempts=4, base_s=0.0001, cap_s=0.0002)


class _Orig(Exception):
    sqlstate = "40001"


def _serialization_failure() -> OperationalError:
    return OperationalError("UPDATE ...", {}, _Orig())


def test_transient_errors_are_retried_until_success() -> None:
    """A serialization failure is tried again; the result of the success returns."""
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _serialization_failure()
        return "ok"

    assert retrying(flaky, policy=FAST) == "ok"
    assert len(calls) == 3


def test_attempts_are_bounded_and_the_last_error_raised() -> None:
    """After the policy's attempts the last error propagates."""
    calls = []

    def always() -> None:
        calls.append(1)
        raise _serialization_failure()

    with pytest.raises(OperationalError):
        retrying(always, policy=FAST)
    assert len(calls) == FAST.attempts


def test_other_errors_are_not_retried_unless_named() -> None:
    """A shortage propagates at once, unless the caller names it in ``also``."""
    calls = []

    def short() -> None:
        calls.append(1)
        raise InsufficientStock("A", "US-FC1", "available", 2, 1)

    with pytest.raises(InsufficientStock):
        retrying(short, policy=FAST)
    assert len(calls) == 1
    with pytest.raises(InsufficientStock):
        retrying(short, also=(InsufficientStock,), policy=FAST)
    assert len(calls) == 1 + FAST.attempts
    assert not is_transient(ValueError())


def test_waits_grow_and_are_capped_with_jitter() -> None:
    """Waits double per try, never exceed the cap, and vary (jitter)."""
    p = RetryPolicy(attempts=8, base_s=0.001, cap_s=0.004)
    assert all(0.0005 <= p.delay(0) <= 0.001 for _ in range(50))
    assert all(p.delay(10) <= 0.004 for _ in range(50))
    assert len({p.delay(3) for _ in range(20)}) > 1
