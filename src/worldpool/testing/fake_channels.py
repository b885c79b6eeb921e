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
from typing import Any
from urllib.parse import parse_qs, urlparse

__all__ = ["FakeAmazon", "FakeChannel", "FakeShopify", "Faults"]


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

    def __init__(self, seed: int = 0, country: str = "US", currency: str = "USD") -> None:
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
        self.lock = threading.Lock()
        self._seq = 1000
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

    def route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        """Answer one request: (status, JSON body)."""
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

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
                    body: Any = {"errors": [{"code": "QuotaExceeded" if status == 429
                                             else "InternalFailure",
                                             "message": "injected"}]}
                else:
                    self._auth = self.headers
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

            do_GET = do_POST = do_PATCH = do_PUT = _any  # noqa: N815

            def log_message(self, *_args: Any) -> None:
                return

        return Handler


def _body(raw: bytes, kind: str) -> Any:
    if not raw:
        return {}
    if "json" in kind:
        return json.loads(raw)
    return {k: v[0] for k, v in parse_qs(raw.decode()).items()}


class FakeShopify(FakeChannel):
    """Shopify Admin GraphQL: orders, inventoryItems, inventorySetQuantities,
    fulfillmentOrders, fulfillmentCreate, with ``extensions.cost``."""

    CHANNEL = "shopify"

    def __init__(self, seed: int = 0, **kw: Any) -> None:
        super().__init__(seed, **kw)
        self.idempotency_keys: Counter[str] = Counter()

    def create_order(self, oid: str, lines: list[tuple[str, int]]) -> None:
        """Store an order node as the GraphQL API returns it."""
        now = ""
        node = {
            "id": f"gid://shopify/Order/{oid}",
            "legacyResourceId": oid,
            "currencyCode": self.currency,
            "createdAt": now,
            "updatedAt": now,
            "cancelledAt": None,
            "displayFulfillmentStatus": "UNFULFILLED",
            "shippingLine": {"code": "Standard", "title": "Standard"},
            "shippingAddress": {"name": "Ada Shopper", "address1": "1 Main St",
                                "address2": None, "city": "Springfield",
                                "provinceCode": None, "zip": "12345",
                                "countryCodeV2": self.country},
            "lineItems": {"nodes": [
                {"id": f"gid://shopify/LineItem/{oid}{i}", "sku": sku,
                 "quantity": qty,
                 "originalUnitPriceSet": {"shopMoney": {"amount": "10.00",
                                                        "currencyCode": self.currency}}}
                for i, (sku, qty) in enumerate(lines)]},
            "_fo": {"id": f"gid://shopify/FulfillmentOrder/{oid}", "status": "OPEN"},
        }
        with self.lock:
            node["createdAt"] = node["updatedAt"] = now = _stamp()
            self.orders[oid] = node
            self.log.append((now, oid))

    def route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        """Dispatch one GraphQL document by the field it asks for."""
        text = str(body.get("query", ""))
        v = body.get("variables") or {}
        cost = {"requestedQueryCost": 10, "actualQueryCost": 10,
                "throttleStatus": {"maximumAvailable": 2000.0,
                                   "currentlyAvailable": 1990.0, "restoreRate": 100.0}}
        if "inventorySetQuantities" in text:
            data = self._set(v)
        elif "fulfillmentCreate" in text:
            data = self._fulfil(v)
        elif "fulfillmentOrders" in text:
            data = self._fos(v)
        elif "inventoryItems" in text:
            skus = [p.split("'")[1] for p in str(v.get("query", "")).split(" OR ")]
            data = {"inventoryItems": {"nodes": [
                {"id": f"gid://shopify/InventoryItem/{s}", "sku": s} for s in skus]}}
        elif "orders(" in text:
            data = self._orders(v)
        else:
            data = {"shop": {"name": "Fake Shop"}}
        return 200, {"data": data, "extensions": {"cost": cost}}

    def _orders(self, v: dict[str, Any]) -> dict[str, Any]:
        q = str(v.get("query") or "")
        since = q.split("'")[1] if "'" in q else ""
        nodes = self.updated_since(since, "updatedAt")
        start = int(v.get("after") or 0)
        clean = nodes[start : start + int(v.get("first", 50))]
        more = start + len(clean) < len(nodes)
        return {"orders": {"nodes": clean, "pageInfo": {
            "hasNextPage": more, "endCursor": str(start + len(clean))}}}

    def _set(self, v: dict[str, Any]) -> dict[str, Any]:
        key = str(v.get("key", ""))
        with self.lock:
            self.idempotency_keys[key] += 1
            first = self.idempotency_keys[key] == 1
        if first:
            for q in v["input"]["quantities"]:
                self.set_level(q["inventoryItemId"].rsplit("/", 1)[-1], int(q["quantity"]))
        return {"inventorySetQuantities": {"inventoryAdjustmentGroup": {"id": key},
                                           "userErrors": []}}

    def _fos(self, v: dict[str, Any]) -> dict[str, Any]:
        oid = str(v.get("id", "")).rsplit("/", 1)[-1]
        with self.lock:
            node = self.orders.get(oid)
        fos = [dict(node["_fo"])] if node else []
        return {"order": {"fulfillmentOrders": {"nodes": fos}} if node else None}

    def _fulfil(self, v: dict[str, Any]) -> dict[str, Any]:
        f = v["fulfillment"]
        fo_id = f["lineItemsByFulfillmentOrder"][0]["fulfillmentOrderId"]
        oid = fo_id.rsplit("/", 1)[-1]
        with self.lock:
            node = self.orders[oid]
            if node["_fo"]["status"] != "OPEN":
                return {"fulfillmentCreate": {"fulfillment": None, "userErrors": [
                    {"field": ["fulfillment"], "message": "Fulfillment order is closed"}]}}
            node["_fo"]["status"] = "CLOSED"
            node["displayFulfillmentStatus"] = "FULFILLED"
            node["updatedAt"] = now = _stamp()
            self.log.append((now, oid))
            self.shipments[oid].append(dict(f["trackingInfo"]))
        return {"fulfillmentCreate": {"fulfillment": {"id": fo_id, "status": "SUCCESS"},
                                      "userErrors": []}}


class FakeAmazon(FakeChannel):
    """SP-API: LWA token, ``searchOrders`` (2026-01-01), ``patchListingsItem``,
    the Feeds API (``JSON_LISTINGS_FEED``), ``confirmShipment``,
    ``getMarketplaceParticipations``."""

    CHANNEL = "amazon"

    def __init__(self, seed: int = 0, **kw: Any) -> None:
        super().__init__(seed, **kw)
        self.tokens_issued = 0
        self.feeds: dict[str, Any] = {}

    def create_order(self, oid: str, lines: list[tuple[str, int]]) -> None:
        """Store an order as ``searchOrders`` returns it."""
        aid = f"111-{int(oid):07d}-0000001"
        now = ""
        order = {
            "orderId": aid, "createdTime": now, "lastUpdatedTime": now,
            "salesChannel": {"channelName": "AMAZON", "marketplaceId": "ATVPDKIKX0DER"},
            "fulfillment": {"fulfillmentStatus": "UNSHIPPED", "fulfilledBy": "MERCHANT",
                            "fulfillmentServiceLevel": "STANDARD"},
            "recipient": {"deliveryAddress": {
                "name": "Ada Shopper", "addressLine1": "1 Main St", "city": "Springfield",
                "postalCode": "12345", "countryCode": self.country}},
            "orderItems": [
                {"orderItemId": f"{oid}{i}", "quantityOrdered": qty,
                 "product": {"sellerSku": sku, "price": {"unitPrice": {
                     "amount": "10.00", "currencyCode": self.currency}}}}
                for i, (sku, qty) in enumerate(lines)],
        }
        with self.lock:
            order["createdTime"] = order["lastUpdatedTime"] = now = _stamp()
            self.orders[aid] = order
            self.log.append((now, aid))

    def sell(self, sku: str, qty: int) -> str | None:
        """A shopper buys; returns the Amazon order id."""
        oid = super().sell(sku, qty)
        return None if oid is None else f"111-{int(oid):07d}-0000001"

    def route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        """Dispatch one SP-API or LWA request."""
        if path.endswith("/auth/o2/token"):
            self.tokens_issued += 1
            return 200, {"access_token": f"Atza|{self.tokens_issued}",
                         "token_type": "bearer", "expires_in": 3600}
        parts = path.strip("/").split("/")
        if path == "/orders/2026-01-01/orders":
            return 200, self._search(query)
        if path.endswith("/shipmentConfirmation"):
            return self._confirm(parts[3], body)
        if path.startswith("/listings/2021-08-01/items/"):
            qty = body["patches"][0]["value"][0]["quantity"]
            self.set_level(parts[-1], int(qty))
            return 200, {"sku": parts[-1], "status": "ACCEPTED",
                         "submissionId": f"s{time.time_ns()}", "issues": []}
        if path.startswith("/feeds/") or path.startswith("/_upload/"):
            return self._feeds(method, path, body)
        return 200, {"payload": [{"marketplace": {"id": "ATVPDKIKX0DER"}}]}

    def _feeds(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if path == "/feeds/2021-06-30/documents":
            doc = f"amzn1.tortuga.{time.time_ns()}"
            return 201, {"feedDocumentId": doc, "url": f"{self.url}/_upload/{doc}"}
        if path.startswith("/_upload/"):
            self.feeds[path.rsplit("/", 1)[-1]] = body
            return 200, {}
        doc = self.feeds.pop(str(body.get("inputFeedDocumentId")), None)
        if doc is None:
            return 400, {"errors": [{"code": "InvalidInput", "message": "no document"}]}
        for msg in doc["messages"]:
            qty = msg["patches"][0]["value"][0]["quantity"]
            self.set_level(msg["sku"], int(qty))
        return 202, {"feedId": f"{time.time_ns()}"}

    def _search(self, query: dict[str, str]) -> dict[str, Any]:
        since = query.get("lastUpdatedAfter", "")
        start = int(query.get("paginationToken") or 0)
        rows = self.updated_since(since, "lastUpdatedTime")
        page = rows[start : start + int(query.get("maxResultsPerPage", 100))]
        out: dict[str, Any] = {"orders": page}
        if start + len(page) < len(rows):
            out["pagination"] = {"nextToken": str(start + len(page))}
        return out

    def _confirm(self, aid: str, body: dict[str, Any]) -> tuple[int, Any]:
        with self.lock:
            order = self.orders[aid]
            if order["fulfillment"]["fulfillmentStatus"] == "SHIPPED":
                return 400, {"errors": [{"code": "InvalidInput",
                                         "message": "Order already Shipped"}]}
            order["fulfillment"]["fulfillmentStatus"] = "SHIPPED"
            order["lastUpdatedTime"] = now = _stamp()
            self.log.append((now, aid))
            self.shipments[aid].append(dict(body["packageDetail"]))
        return 204, None
