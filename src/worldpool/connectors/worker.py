"""``worldpool sync run``: the long-running sync worker, with health and metrics.

Each worker runs ``slots`` threads. A slot leases one connection at a time
(leases are taken ``FOR UPDATE SKIP LOCKED`` and expire, so any number of
workers share the connections and a killed worker's connections are taken
over when its leases end), polls its orders and delivers its outbox. One feed
thread per seller turns journal changes into stock levels. ``/healthz`` and
``/metrics`` (Prometheus text) are served on ``health_port`` when given.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from random import Random
from typing import TYPE_CHECKING, Any

from worldpool.connectors import carrier_service, feed, sync
from worldpool.connectors.buffers import BufferRule, load_buffer_rules
from worldpool.connectors.errors import ChannelError
from worldpool.connectors.inflight import ChannelView
from worldpool.connectors.metrics import CONTENT_TYPE, Metric, render
from worldpool.connectors.service import sync_status
from worldpool.errors import WorldpoolError

if TYPE_CHECKING:
    from worldpool.context import Context

__all__ = ["Worker", "WorkerParams"]


@dataclass(frozen=True, slots=True)
class WorkerParams:
    """How a worker paces itself."""

    slots: int = 8
    """Connections worked at once (threads)."""
    lease_s: float = 2.0
    """Connection lease; a dead worker's connections are free after it."""
    poll_interval_s: float = 0.5
    """Pause between order polls of one connection, in seconds."""
    feed_interval_s: float = 0.25
    """Pause between stock-feed scans, in seconds."""
    idle_s: float = 0.05
    """Sleep of a slot with nothing to do, in seconds."""
    batch: int = 2000
    """Outbox rows claimed per batch."""
    turn_s: float = 30.0
    """A slot gives its connection back after this long (rotation)."""
    seed: int | None = None
    """Seed of the jitter (None: random)."""
    carrier_interval_s: float = 0.5
    """Pause between passes over the carrier accounts' label outbox, in seconds."""
    tracking_interval_s: float = 60.0
    """Pause between tracking pulls of each carrier account, in seconds."""

    def __post_init__(self) -> None:
        """Check the values are usable."""
        if self.slots < 1 or self.lease_s <= 0 or self.batch < 1:
            raise ValueError("slots, lease_s and batch must be positive")


class Worker:
    """One sync worker process (see the module docstring).

    Args:
        ctx: A ``system`` context; the worker acts for each connection's seller.
        params: Pacing.
        rules: Stock buffer rules (default: the packaged editable defaults).
    """

    def __init__(
        self,
        ctx: Context,
        params: WorkerParams | None = None,
        rules: tuple[BufferRule, ...] | None = None,
    ) -> None:
        self.ctx = ctx
        self.params = params or WorkerParams()
        self.rules = rules if rules is not None else load_buffer_rules()
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stop = threading.Event()
        self.counters: Counter[str] = Counter()
        self.lags: list[float] = []
        self.last_loop = time.monotonic()
        self._held: set[int] = set()
        self._providers: dict[int, tuple[Any, Any]] = {}
        self._views: dict[int, tuple[str | None, ChannelView]] = {}
        self._lock = threading.Lock()
        self._rng = Random(self.params.seed)
        self.on_delivery: Callable[[sync.DeliveryReport], None] | None = None

    # -- loop -------------------------------------------------------------
    def run(
        self, duration_s: float | None = None, health_port: int | None = None
    ) -> None:
        """Work until ``stop`` is set (or ``duration_s`` passes)."""
        server = self._serve(health_port) if health_port is not None else None
        threads = [
            threading.Thread(target=self._slot, name=f"slot-{i}", daemon=True)
            for i in range(self.params.slots)
        ]
        threads.append(threading.Thread(target=self._feed, name="feed", daemon=True))
        threads.append(
            threading.Thread(target=self._carriers, name="carriers", daemon=True)
        )
        for th in threads:
            th.start()
        self.stop.wait(duration_s)
        self.stop.set()
        with self._lock:
            clients = [http for _p, http in self._providers.values()]
        for http in clients:
            http.abort()
        for th in threads:
            th.join()
        for _provider, http in self._providers.values():
            for key, value in http.stats.items():
                self._count(f"http:{key}", value)
            http.close()
        if server is not None:
            server.shutdown()
            server.server_close()

    def _feed(self) -> None:
        scans = 0
        while not self.stop.is_set():
            # Re-read a window behind the cursor about once a second only (late
            # commits); the scans in between read just the new journal rows.
            scans += 1
            lookback = 500 if scans % 10 == 0 else 0
            try:
                for seller in self._sellers():
                    n = feed.publish_stock(
                        self.ctx.acting_as(seller=seller), self.rules, lookback=lookback
                    )
                    self._count("stock_enqueued", n)
            except WorldpoolError:
                self._count("feed_errors")
            except Exception:  # keep the worker up through DB hiccups
                self._count("feed_errors")
            self.last_loop = time.monotonic()
            self.stop.wait(self.params.feed_interval_s)

    def _carriers(self) -> None:
        """Deliver carrier label rows and pull tracking, for every seller."""
        clients: dict[tuple[str, str], Any] = {}
        tracked = 0.0
        while not self.stop.is_set():
            track = time.monotonic() - tracked >= self.params.tracking_interval_s
            if track:
                tracked = time.monotonic()
            try:
                for seller in carrier_service.carrier_sellers(self.ctx):
                    run = carrier_service.work_accounts(
                        self.ctx.acting_as(seller=seller),
                        clients,
                        track=track,
                        rng=self._rng,
                    )
                    self._count("labels_bought", run.labels)
                    self._count("labels_retried", run.retried)
                    self._count("labels_dead", run.dead)
                    self._count("tracking_events", run.events)
            except Exception:  # keep the worker up through DB and carrier hiccups
                self._count("carrier_errors")
            self.stop.wait(self.params.carrier_interval_s)
        for client in clients.values():
            client.close()

    def _sellers(self) -> list[str]:
        return sync.sellers(self.ctx)

    def _slot(self) -> None:
        while not self.stop.is_set():
            with self._lock:
                exclude = tuple(self._held)
            try:
                row = sync.claim(self.ctx, self.name, self.params.lease_s, exclude)
            except Exception:
                self._count("claim_errors")
                self.stop.wait(self.params.idle_s)
                continue
            if row is None:
                self.stop.wait(self.params.idle_s * 4)
                continue
            with self._lock:
                self._held.add(int(row["id"]))
            try:
                self._work(row)
            except Exception:  # a DB or provider hiccup must not kill the slot
                self._count("slot_errors")
                self.stop.wait(self.params.idle_s)
            finally:
                self._give_back(int(row["id"]))

    def _give_back(self, cid: int) -> None:
        try:
            sync.release(self.ctx, cid, self.name)
        except Exception:  # the lease then simply expires
            self._count("release_errors")
        with self._lock:
            self._held.discard(cid)

    def _work(self, row: dict[str, Any]) -> None:
        """Hold one connection: poll its orders here, deliver its outbox beside.

        The delivery thread also renews the lease, so a long poll never lets
        it lapse; the connection is given back after ``turn_s`` so that other
        workers get a turn when there are more connections than slots.
        """
        cid = int(row["id"])
        try:
            provider = self._provider(row)
        except WorldpoolError:
            self._count("open_errors")
            return
        if row.get("taken_over"):
            # Its last holder died mid-batch: free the rows it had claimed now
            # rather than after their claim lease (a 30 s gap in the stock feed).
            self._count("outbox_unclaimed", sync.unclaim(self.ctx, row))
        done = threading.Event()
        view = self._view(row)
        beside = threading.Thread(
            target=self._deliver_loop, args=(row, provider, view, done), daemon=True
        )
        beside.start()
        turn_end = time.monotonic() + self.params.turn_s
        try:
            while not (self.stop.is_set() or done.is_set()):
                report = sync.poll_orders(self.ctx, row, provider, view)
                self._count("orders_ingested", report.ingested)
                self._count("poll_errors", report.error is not None)
                fresh = sync.renew(self.ctx, cid, self.name, self.params.lease_s)
                if fresh is None or time.monotonic() > turn_end:
                    break  # lease lost (taken over) or turn over
                row = fresh
                if not report.more:
                    self.stop.wait(self.params.poll_interval_s)
        finally:
            done.set()
            beside.join()
            with self._lock:
                self._views[cid] = (row.get("cursor"), view)

    def _view(self, row: dict[str, Any]) -> ChannelView:
        """This worker's view of the channel, kept while nobody else polled it.

        If the connection's cursor moved since this worker gave it back,
        another worker ingested orders in between: the expectations go (the
        sales rate stays, it is the channel's, not the worker's).
        """
        with self._lock:
            cursor, view = self._views.get(int(row["id"]), (None, ChannelView()))
        if cursor is None or cursor != row.get("cursor"):
            view.reset()
        return view

    def _provider(self, row: dict[str, Any]) -> Any:
        # One connector per connection for the worker's life: it keeps its
        # token, its SKU -> item id cache and its pooled HTTP connections.
        cid = int(row["id"])
        with self._lock:
            hit = self._providers.get(cid)
        if hit is None:
            hit = sync.open_provider(self.ctx, row, rng=self._rng)
            with self._lock:
                self._providers[cid] = hit
        return hit[0]

    def _deliver_loop(
        self,
        row: dict[str, Any],
        provider: Any,
        view: ChannelView,
        done: threading.Event,
    ) -> None:
        cid = int(row["id"])
        try:
            self._deliver_until(cid, row, provider, view, done)
        finally:
            with self._lock:
                http = self._providers[cid][1]
            http.release()

    def _deliver_until(
        self,
        cid: int,
        row: dict[str, Any],
        provider: Any,
        view: ChannelView,
        done: threading.Event,
    ) -> None:
        renewed = 0.0
        while not (self.stop.is_set() or done.is_set()):
            try:
                # Heartbeat: renew a quarter lease at a time, not every batch.
                lease = self.params.lease_s
                if time.monotonic() - renewed > lease / 4:
                    if sync.renew(self.ctx, cid, self.name, lease) is None:
                        done.set()
                        return
                    renewed = time.monotonic()
                busy = self._deliver(row, provider, view)
            except Exception:  # keep delivering through DB hiccups
                self._count("delivery_errors")
                busy = False
                try:  # the broken batch's rows go again at once
                    sync.unclaim(self.ctx, row)
                except Exception:  # then they wait for their claim lease
                    self._count("unclaim_errors")
            if not busy:
                self.stop.wait(self.params.idle_s)

    def _deliver(self, row: dict[str, Any], provider: Any, view: ChannelView) -> bool:
        try:
            report = sync.deliver_outbox(
                self.ctx,
                row,
                provider,
                limit=self.params.batch,
                rng=self._rng,
                rules=self.rules,
                view=view,
            )
        except ChannelError:
            self._count("delivery_errors")
            return False
        self._count("outbox_delivered", report.delivered)
        self._count("outbox_superseded", report.superseded)
        self._count("outbox_retried", report.retried)
        self._count("outbox_dead", report.dead)
        with self._lock:
            self.lags.extend(report.lag_s)
            del self.lags[:-10000]
        if self.on_delivery is not None:
            self.on_delivery(report)
        return bool(report.delivered or report.superseded)

    def _count(self, key: str, n: int | bool = 1) -> None:
        if n:
            with self._lock:
                self.counters[key] += int(n)

    # -- health -------------------------------------------------------------
    def metrics_text(self) -> str:
        """Return this worker's Prometheus metrics, with every connection's queue."""
        with self._lock:
            counters = dict(self.counters)
        samples = [
            Metric(
                "worldpool_sync_events_total",
                "Sync worker events by kind.",
                "counter",
                tuple(({"kind": k}, float(v)) for k, v in sorted(counters.items())),
            )
        ]
        rows = []
        for seller in self._sellers():
            rows += [
                (seller, s) for s in sync_status(self.ctx.acting_as(seller=seller))
            ]
        samples += _queue_metrics(rows)
        return render(samples)

    def _serve(self, port: int) -> ThreadingHTTPServer:
        worker = self

        class Handler(BaseHTTPRequestHandler):
            """Serves /healthz and /metrics."""

            def do_GET(self) -> None:
                """Answer /healthz (JSON) or /metrics (Prometheus text)."""
                if self.path == "/metrics":
                    body, kind = worker.metrics_text().encode(), CONTENT_TYPE
                elif self.path == "/healthz":
                    age = time.monotonic() - worker.last_loop
                    ok = age < 30 and not worker.stop.is_set()
                    body = json.dumps(
                        {
                            "status": "ok" if ok else "stale",
                            "worker": worker.name,
                            "last_loop_s": round(age, 3),
                        }
                    ).encode()
                    kind = "application/json"
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                """Stay quiet (a line per request is noise)."""
                return  # quiet: requests are not worth a log line each

        server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def _queue_metrics(rows: list[tuple[str, Any]]) -> list[Metric]:
    def gauge(name: str, help_: str, attr: str) -> Metric:
        """One gauge with a sample per connection."""
        return Metric(
            name,
            help_,
            "gauge",
            tuple(
                (
                    {"seller": seller, "connection": s.name, "channel": s.channel},
                    float(getattr(s, attr) or 0),
                )
                for seller, s in rows
            ),
        )

    return [
        gauge(
            "worldpool_outbox_pending",
            "Outbox rows waiting per connection.",
            "queue_pending",
        ),
        gauge("worldpool_outbox_dead", "Outbox rows failed for good.", "queue_dead"),
        gauge(
            "worldpool_sync_lag_seconds", "Seconds since the last good poll.", "lag_s"
        ),
        gauge(
            "worldpool_orders_ingested",
            "Orders taken in per connection.",
            "orders_ingested",
        ),
    ]
