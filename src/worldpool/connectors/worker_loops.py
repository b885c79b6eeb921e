"""The sync worker's background loops: the stock feed and the carrier accounts.

Each runs in its own thread of a :class:`~worldpool.connectors.worker.Worker`
until the worker stops, and survives database and provider hiccups (counted).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from worldpool.connectors import carrier_service, feed

if TYPE_CHECKING:
    from worldpool.connectors.worker import Worker

__all__ = ["carrier_loop", "feed_loop"]


def feed_loop(worker: Worker) -> None:
    """Turn journal changes into stock levels, every seller, each ``feed_interval_s``.

    A window behind the cursor is re-read about once a second only (late
    commits); the scans in between read just the new journal rows.
    """
    scans = 0
    while not worker.stop.is_set():
        scans += 1
        lookback = 500 if scans % 10 == 0 else 0
        try:
            for seller in worker._sellers():
                n = feed.publish_stock(
                    worker.ctx.acting_as(seller=seller), worker.rules, lookback=lookback
                )
                worker._count("stock_enqueued", n)
        except Exception:  # keep the worker up through DB hiccups
            worker._count("feed_errors")
        worker.last_loop = time.monotonic()
        worker.stop.wait(worker.params.feed_interval_s)


def carrier_loop(worker: Worker) -> None:
    """Deliver carrier label rows and pull tracking, for every seller.

    Labels each ``carrier_interval_s``; tracking each ``tracking_interval_s``.
    """
    clients: dict[tuple[str, str], Any] = {}
    tracked = 0.0
    while not worker.stop.is_set():
        track = time.monotonic() - tracked >= worker.params.tracking_interval_s
        if track:
            tracked = time.monotonic()
        try:
            for seller in carrier_service.carrier_sellers(worker.ctx):
                run = carrier_service.work_accounts(
                    worker.ctx.acting_as(seller=seller),
                    clients,
                    track=track,
                    rng=worker._rng,
                )
                worker._count("labels_bought", run.labels)
                worker._count("labels_retried", run.retried)
                worker._count("labels_dead", run.dead)
                worker._count("tracking_events", run.events)
        except Exception:  # keep the worker up through DB and carrier hiccups
            worker._count("carrier_errors")
        worker.stop.wait(worker.params.carrier_interval_s)
    for client in clients.values():
        client.close()
