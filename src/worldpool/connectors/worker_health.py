"""The sync worker's ``/healthz`` and ``/metrics`` (Prometheus text) endpoints."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from worldpool.connectors.metrics import CONTENT_TYPE, Metric, render
from worldpool.connectors.service import sync_status

if TYPE_CHECKING:
    from worldpool.connectors.worker import Worker

__all__ = ["metrics_text", "serve"]


def metrics_text(worker: Worker) -> str:
    """Return a worker's Prometheus metrics, with every connection's queue."""
    with worker._lock:
        counters = dict(worker.counters)
    samples = [
        Metric(
            "worldpool_sync_events_total",
            "Sync worker events by kind.",
            "counter",
            tuple(({"kind": k}, float(v)) for k, v in sorted(counters.items())),
        )
    ]
    rows = []
    for seller in worker._sellers():
        rows += [(seller, s) for s in sync_status(worker.ctx.acting_as(seller=seller))]
    samples += _queue_metrics(rows)
    return render(samples)


def serve(worker: Worker, port: int) -> ThreadingHTTPServer:
    """Serve ``/healthz`` (JSON) and ``/metrics`` for ``worker`` on ``port``."""

    class Handler(BaseHTTPRequestHandler):
        """Serves /healthz and /metrics."""

        def do_GET(self) -> None:
            """Answer /healthz (JSON) or /metrics (Prometheus text)."""
            if self.path == "/metrics":
                body, kind = metrics_text(worker).encode(), CONTENT_TYPE
            elif self.path == "/healthz":
                age = time.monotonic() - worker.last_loop
                ok = age < 30 and not worker.stop.is_set()
                body = json.dumps(
                    {
                        "status": "ok" if ok else "stale",
                        "worker": worker.name,
                        "last_loop_s": round(age, 3),
                        "leases": worker.held_count(),
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
