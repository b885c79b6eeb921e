"""Rule lookup by effective date: which dated row of an id applies on a day.

A catalog id may have several rows, each with an ``effective_date`` from which
it applies (e.g. the US USD 800 de minimis from 2016-03-10, then USD 0 from
2025-08-29). On a given day the row in force is the one with the latest
``effective_date`` on or before that day; an id none of whose rows has started
yet is not in force at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Protocol, TypeVar

__all__ = ["Dated", "in_effect", "today_utc"]


class Dated(Protocol):
    """Anything with an ``id`` and the ``effective_date`` it applies from."""

    @property
    def id(self) -> str:
        """The record's id."""
        ...

    @property
    def effective_date(self) -> date:
        """The first day the record applies."""
        ...


D = TypeVar("D", bound=Dated)


def today_utc() -> date:
    """Return today's date in UTC (the default ``as_of`` day)."""
    return datetime.now(UTC).date()


def in_effect(items: Iterable[D], as_of: date) -> dict[str, D]:
    """Return, per id, the item in force on ``as_of``.

    Args:
        items: Dated items, several per id allowed. Between two items with the
            same id and date the later one wins (callers refuse such ties).
        as_of: The day to look at (inclusive).

    Returns:
        id -> the item with the latest ``effective_date`` <= ``as_of``, in the
        order ids first appear; ids with no such item are left out.
    """
    chosen: dict[str, D] = {}
    for item in items:
        if item.effective_date > as_of:
            continue
        current = chosen.get(item.id)
        if current is None or item.effective_date >= current.effective_date:
            chosen[item.id] = item
    return chosen
