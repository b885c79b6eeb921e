"""Query parameters of a server-side table: page, size, sort, direction."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Query

from worldpool.cockpit import PageQuery

__all__ = ["PageParams", "pager"]

_SIZES = (25, 50, 100, 200)


@dataclass(frozen=True, slots=True)
class PageParams:
    """A table page as asked in the URL, and its query for the service."""

    number: int
    """1-based page number."""
    size: int
    """Rows per page."""
    query: PageQuery
    """The service's page query."""

    def pages(self, total: int) -> int:
        """Return how many pages ``total`` rows make (at least 1)."""
        return max(1, -(-total // self.size))


def pager(
    page: int = Query(1, ge=1, le=1_000_000),
    size: int = Query(50, ge=1, le=200),
    sort: str = Query("", max_length=32),
    desc: bool = False,
) -> PageParams:
    """Dependency: read ``page, size, sort, desc`` from the query string."""
    size = min((s for s in _SIZES if s >= size), default=_SIZES[-1])
    return PageParams(page, size, PageQuery((page - 1) * size, size, sort, desc))
