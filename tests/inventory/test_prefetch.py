"""The import's read-ahead thread: order kept, errors raised, early stops clean."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from worldpool.inventory.prefetch import prefetched


def test_items_arrive_in_order_and_the_queue_stays_bounded() -> None:
    """Every item comes through once, in order; the producer is never far ahead."""
    made: list[int] = []

    def produce() -> Iterator[int]:
        for i in range(50):
            made.append(i)
            yield i

    got = []
    with prefetched(produce(), depth=2) as ready:
        for i in ready:
            assert len(made) - i <= 4  # queued (2), in hand (1), being put (1)
            got.append(i)
    assert got == list(range(50))


def test_a_producer_error_is_raised_in_the_consumer() -> None:
    """A bad file found mid-way by the reader surfaces where the import runs."""

    def produce() -> Iterator[int]:
        yield 1
        raise ValueError("row 2 is not text")

    with pytest.raises(ValueError, match="row 2"), prefetched(produce()) as ready:
        assert list(ready) == [1]


def test_a_consumer_that_stops_early_stops_the_reader() -> None:
    """A kill in the writer leaves no reader thread behind."""

    def endless() -> Iterator[int]:
        i = 0
        while True:
            i += 1
            yield i

    before = threading.active_count()
    with pytest.raises(KeyboardInterrupt), prefetched(endless()) as ready:
        for i in ready:
            if i == 3:
                raise KeyboardInterrupt
    assert threading.active_count() == before
