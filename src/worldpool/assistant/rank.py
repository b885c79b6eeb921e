"""Rank signals by expected money impact and keep the top of the list."""

from __future__ import annotations

from collections.abc import Iterable

from worldpool.assistant.signal import Signal

__all__ = ["rank"]


def rank(signals: Iterable[Signal], limit: int | None = None) -> list[Signal]:
    """Return signals by expected impact (impact x probability), largest first.

    Ties keep a stable order by kind and key, so the same inputs give the same
    list. Signals in other currencies must be converted first.

    Args:
        signals: Signals, all in one currency.
        limit: Keep at most this many (None = all).
    """
    ordered = sorted(
        signals, key=lambda s: (-s.expected_impact, -s.impact, str(s.kind), s.key)
    )
    return ordered if limit is None else ordered[:limit]
