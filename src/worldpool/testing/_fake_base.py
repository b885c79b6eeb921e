"""Loopback fakes of channel APIs (Shopify Admin GraphQL, Amazon SP-API), with faults.

Each fake is a real HTTP server on 127.0.0.1 answering the documented request
and reply shapes the connectors use, and keeping the channel's side of the
world: its orders, the stock level it shows shoppers, the fulfillments it
recorded. Faults: a share of 5xx replies, 429 storms with ``Retry-After``,
slow replies and replies slower than the client's timeout. Shoppers buy
through :meth:`FakeChannel.sell`, which refuses what the channel shows as out
of stock, as a real storefront does.
"""

from __future__ import annotations

import bisect
import json
import random
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

__all__ = ["FAST_LIMITS", "FakeChannel", "Faults"]

FAST_LIMITS: dict[str, list[float]] = {
    op: [200.0, 200.0]
    for op in (
        "getOrders",
        "getShippingFulfillments",
        "createShippingFulfillment",
        "bulkUpdatePriceQuantity",
        "searchOrders",
        "getOrderDetail",
        "searchProducts",
        "updateInventory",
        "markPackageAsShipped",
        "getAllOrders",
        "getAnOrder",
        "acknowledgeOrder",
        "shipOrderLines",
        "bulkInventoryFeed",
    )
}
"""Rate limits (``[per s, burst]`` per operation) of the eBay, TikTok Shop and
Walmart fakes' connections: far above the documented quotas (eBay's daily
quotas, Walmart's per-seller limits and 10 inventory feeds an hour), which
would make a test or a 60 s benchmark wait for hours."""


class Faults:
    """Fault injection settings, changeable while the fake runs."""

    def __init__(self, seed: int = 0) -> None:
        self.error_rate = 0.0
        """Share of requests answered 500/503."""
        self.throttle_next = 0
        """The next N requests get 429 with Retry-After."""
        self.retry_after_s = 0.2
        """Retry-After sent with each 429."""
        self.delay_s = 0.0
        """Added to every reply."""
        self.hang_next = 0
        """The next N requests take ``hang_s`` (past the client timeout)."""
        self.hang_s = 3.0
        """How long a hung request takes."""
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def pick(self) -> tuple[int | None, float]:
        """Return (status to fail with or None, seconds to wait first)."""
        with self._lock:
            wait = self.delay_s
            if self.hang_next > 0:
                self.hang_next -= 1
                return None, self.hang_s
            if self.throttle_next > 0:
                self.throttle_next -= 1
                return 429, wait
            if self.error_rate and self._rng.random() < self.error_rate:
                return self._rng.choice((500, 503)), wait
            return None, wait


def _stamp() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond:06d}Z"


class FakeChannel:
    """State and HTTP plumbing shared by the fakes."""

    CHANNEL = ""
    CREDENTIALS: ClassVar[dict[str, str]] = {}
    """Credentials a connection to this fake is made with (any value works)."""
    SETTINGS: ClassVar[dict[str, Any]] = {}
    """Connection settings this fake expects (ids, token URL, its rate limits)."""

    def __init__(
        self, seed: int = 0, country: str = "US", currency: str = "USD"
    ) -> None:
        self.faults = Faults(seed)
        self.country = country
        self.currency = currency
        self.stock: dict[str, int] = {}
        self.stock_log: list[tuple[float, str, int]] = []
        self.orders: dict[str, dict[str, Any]] = {}
        self.sold: Counter[str] = Counter()
        self.shipments: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.requests: Counter[str] = Counter()
        self.log: list[tuple[str, str]] = []
        self.refuse_inventory: Counter[str] = Counter()
        """SKU -> how many more stock updates naming it the fake refuses (a
        business error for that SKU, which the client does not retry)."""
        self.lock = threading.Lock()
        self.current = threading.local()
        """The request being routed on this thread: ``headers`` (lower-case
        names), ``raw`` body bytes and ``method`` (for signature checks)."""
        # Order ids are unique across fakes, as a provider's are across shops.
        self._seq = 1000 + seed * 10_000_000
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the running fake."""
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeChannel:
        """Serve in a background thread; return self."""
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    def next_id(self) -> str:
        """Return a new order id."""
        with self.lock:
            self._seq += 1
            return str(self._seq)

    def sell(self, sku: str, qty: int) -> str | None:
        """A shopper buys ``qty`` of ``sku``; None when the channel shows too few."""
        with self.lock:
            if self.stock.get(sku, 0) < qty:
                return None
            self.stock[sku] -= qty
            self.sold[sku] += qty
        oid = self.next_id()
        self.create_order(oid, [(sku, qty)])
        return oid

    def refused(self, sku: str) -> bool:
        """Use up one of the SKU's ``refuse_inventory``; True if it is refused."""
        with self.lock:
            if self.refuse_inventory[sku] <= 0:
                return False
            self.refuse_inventory[sku] -= 1
            return True

    def set_level(self, sku: str, level: int) -> None:
        """Apply a stock level the seller pushed."""
        with self.lock:
            self.stock[sku] = level
            self.stock_log.append((time.time(), sku, level))

    def create_order(self, oid: str, lines: list[tuple[str, int]]) -> None:
        """Store a new order in the provider's own shape."""
        raise NotImplementedError

    def updated_since(self, since: str, field: str) -> list[dict[str, Any]]:
        """Orders whose ``field`` (update time) is >= ``since``, oldest first."""
        with self.lock:
            start = bisect.bisect_left(self.log, (since, ""))
            seen: dict[str, dict[str, Any]] = {}
            for stamp, oid in self.log[start:]:
                order = self.orders[oid]
                if order[field] == stamp:
                    seen[oid] = order
            return [
                {k: v for k, v in o.items() if not k.startswith("_")}
                for o in seen.values()
            ]

    def route(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        """Answer one request: (status, JSON body)."""
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            """Every method goes through faults, then :meth:`route`."""

            protocol_version = "HTTP/1.1"
            # The headers and the body go out as two writes: with Nagle on,
            # the body waited for the client's delayed ACK (about 40 ms a
            # reply, which no real API adds and which capped a connector
            # making many small calls at concurrency / 40 ms).
            disable_nagle_algorithm = True

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, wait = fake.faults.pick()
                if wait:
                    time.sleep(wait)
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                fake.requests[f"{self.command} {url.path}"] += 1
                if status is not None:
                    body: Any = {
                        "errors": [
                            {
                                "code": "QuotaExceeded"
                                if status == 429
                                else "InternalFailure",
                                "message": "injected",
                            }
                        ]
                    }
                else:
                    fake.current.headers = {
                        k.lower(): v for k, v in self.headers.items()
                    }
                    fake.current.raw = raw
                    fake.current.method = self.command
                    payload = _body(raw, self.headers.get("Content-Type", ""))
                    status, body = fake.route(self.command, url.path, query, payload)
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", str(fake.faults.retry_after_s))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any  # noqa: N815

            def log_message(self, *_args: Any) -> None:
                """Stay quiet."""
                return

        return Handler


def _body(raw: bytes, kind: str) -> Any:
    if not raw:
        return {}
    if "json" in kind:
        return json.loads(raw)
    return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
