"""Run a producer (file parsing) in a thread, ahead of its consumer (database writes).

An import spends its time in two places: parsing and validating rows (Python)
and waiting for the database. :func:`prefetched` lets the next chunk be parsed
while the current one is written (the database driver releases the GIL while
it waits); the queue between them holds at most ``depth`` items, so memory
stays bounded whatever the file size. An exception in the producer is raised
in the consumer; a consumer that stops early (an error, a kill) stops the
producer.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

__all__ = ["prefetched"]

T = TypeVar("T")
_END = object()


class _Ahead(Generic[T]):
    """A worker thread filling a bounded queue from ``items``."""

    def __init__(self, items: Iterator[T], depth: int) -> None:
        self._items = items
        self._slots: queue.Queue[tuple[Any, BaseException | None]] = queue.Queue(depth)
        self.stop = threading.Event()
        self.worker = threading.Thread(target=self._work, name="import-reader")
        self.worker.daemon = True

    def _put(self, entry: tuple[Any, BaseException | None]) -> bool:
        """Queue ``entry``, waiting for room; False once the consumer stopped."""
        while not self.stop.is_set():
            try:
                self._slots.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def _work(self) -> None:
        try:
            for item in self._items:
                if not self._put((item, None)):
                    return
            self._put((_END, None))
        except BaseException as exc:  # handed to the consumer, raised there
            self._put((_END, exc))

    def drain(self) -> Iterator[T]:
        """Yield the items in order; raise the producer's exception in turn."""
        while True:
            item, error = self._slots.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item


@contextmanager
def prefetched(items: Iterator[T], depth: int = 2) -> Iterator[Iterator[T]]:
    """Yield an iterator over ``items`` that a worker thread fills ``depth`` ahead."""
    ahead = _Ahead(items, depth)
    ahead.worker.start()
    try:
        yield ahead.drain()
    finally:
        ahead.stop.set()
        ahead.worker.join()
