"""Fake Amazon SP-API on loopback (see :mod:`fake_channels`)."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from worldpool.testing._fake_base import FakeChannel, _stamp

__all__ = ["FakeAmazon"]


class FakeAmazon(FakeChannel):
    """Fake SP-API: LWA, searchOrders, listings, feeds and shipment confirmation.

    Operations: LWA token, ``searchOrders`` (2026-01-01), ``getListingsItem`` and
    ``searchListingsItems`` (``fulfillmentAvailability``), ``patchListingsItem``,
    the Feeds API (``JSON_LISTINGS_FEED``), ``confirmShipment``,
    ``getMarketplaceParticipations``.
    """

    CHANNEL = "amazon"
    CREDENTIALS: ClassVar[dict[str, str]] = {
        "refresh_token": "r",
        "client_id": "c",
        "client_secret": "s",
    }
    SETTINGS: ClassVar[dict[str, Any]] = {
        "marketplace_id": "ATVPDKIKX0DER",
        "seller_id": "S",
        "token_url": "/auth/o2/token",
        # This fake allows more than SP-API's documented searchOrders 0.0056/s,
        # createFeedDocument 0.5/s and createFeed 0.0083/s (a connection's
        # ``rate_limits`` override them): a feed per push, as it applies a feed
        # at once where Amazon takes minutes.
        "rate_limits": {
            "searchOrders": [20, 20],
            "createFeedDocument": [50, 50],
            "createFeed": [50, 50],
            "patchListingsItem": [500, 500],
            "getListingsItem": [500, 500],
            "searchListingsItems": [500, 500],
        },
    }

    def __init__(self, seed: int = 0, **kw: Any) -> None:
        super().__init__(seed, **kw)
        self.tokens_issued = 0
        self.feeds: dict[str, Any] = {}

    def create_order(self, oid: str, lines: list[tuple[str, int]]) -> None:
        """Store an order as ``searchOrders`` returns it."""
        aid = f"111-{int(oid):09d}-0000001"
        now = ""
        order = {
            "orderId": aid,
            "createdTime": now,
            "lastUpdatedTime": now,
            "salesChannel": {"channelName": "AMAZON", "marketplaceId": "ATVPDKIKX0DER"},
            "fulfillment": {
                "fulfillmentStatus": "UNSHIPPED",
                "fulfilledBy": "MERCHANT",
                "fulfillmentServiceLevel": "STANDARD",
            },
            "recipient": {
                "deliveryAddress": {
                    "name": "Ada Shopper",
                    "addressLine1": "1 Main St",
                    "city": "Springfield",
                    "postalCode": "12345",
                    "countryCode": self.country,
                }
            },
            "orderItems": [
                {
                    "orderItemId": f"{oid}{i}",
                    "quantityOrdered": qty,
                    "product": {
                        "sellerSku": sku,
                        "price": {
                            "unitPrice": {
                                "amount": "10.00",
                                "currencyCode": self.currency,
                            }
                        },
                    },
                }
                for i, (sku, qty) in enumerate(lines)
            ],
        }
        with self.lock:
            order["createdTime"] = order["lastUpdatedTime"] = now = _stamp()
            self.orders[aid] = order
            self.log.append((now, aid))

    def sell(self, sku: str, qty: int) -> str | None:
        """A shopper buys; returns the Amazon order id."""
        oid = super().sell(sku, qty)
        return None if oid is None else f"111-{int(oid):09d}-0000001"

    def route(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        """Dispatch one SP-API or LWA request."""
        if path.endswith("/auth/o2/token"):
            self.tokens_issued += 1
            return 200, {
                "access_token": f"Atza|{self.tokens_issued}",
                "token_type": "bearer",
                "expires_in": 3600,
            }
        parts = path.strip("/").split("/")
        if path == "/orders/2026-01-01/orders":
            return 200, self._search(query)
        if path.endswith("/shipmentConfirmation"):
            return self._confirm(parts[3], body)
        if path.startswith("/listings/2021-08-01/items/") and method == "GET":
            if len(parts) == 4:  # searchListingsItems by SKU
                skus = str(query.get("identifiers", "")).split(",")
                items = [self._item(sku) for sku in skus[:20] if sku]
                return 200, {"numberOfResults": len(items), "items": items}
            return 200, self._item(parts[-1])
        if path.startswith("/listings/2021-08-01/items/"):
            qty = body["patches"][0]["value"][0]["quantity"]
            self.set_level(parts[-1], int(qty))
            return 200, {
                "sku": parts[-1],
                "status": "ACCEPTED",
                "submissionId": f"s{time.time_ns()}",
                "issues": [],
            }
        if path.startswith("/feeds/") or path.startswith("/_upload/"):
            return self._feeds(method, path, body)
        return 200, {"payload": [{"marketplace": {"id": "ATVPDKIKX0DER"}}]}

    def _item(self, sku: str) -> dict[str, Any]:
        """A listings ``Item`` with its ``fulfillmentAvailability``."""
        with self.lock:
            shown = self.stock.get(sku, 0)
        return {
            "sku": sku,
            "fulfillmentAvailability": [
                {"fulfillmentChannelCode": "DEFAULT", "quantity": shown}
            ],
        }

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
                return 400, {
                    "errors": [
                        {"code": "InvalidInput", "message": "Order already Shipped"}
                    ]
                }
            order["fulfillment"]["fulfillmentStatus"] = "SHIPPED"
            order["lastUpdatedTime"] = now = _stamp()
            self.log.append((now, aid))
            self.shipments[aid].append(dict(body["packageDetail"]))
        return 204, None
