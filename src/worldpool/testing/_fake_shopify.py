"""Fake Shopify Admin GraphQL API on loopback (see :mod:`fake_channels`)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any, ClassVar

from worldpool.testing._fake_base import FakeChannel, _stamp

__all__ = ["FakeShopify"]


def _sku(quantity: dict[str, Any]) -> str:
    return str(quantity["inventoryItemId"]).rsplit("/", 1)[-1]


class FakeShopify(FakeChannel):
    """Fake Shopify Admin GraphQL API with ``extensions.cost`` on every reply.

    Fields: ``orders``, ``inventoryItems``, ``inventorySetQuantities`` (with
    its ``@idempotent`` key), ``order.fulfillmentOrders``, ``fulfillmentCreate``.
    """

    CHANNEL = "shopify"
    CREDENTIALS: ClassVar[dict[str, str]] = {"access_token": "t", "webhook_secret": "w"}
    SETTINGS: ClassVar[dict[str, Any]] = {"location_id": "gid://shopify/Location/1"}

    def __init__(self, seed: int = 0, **kw: Any) -> None:
        super().__init__(seed, **kw)
        self.idempotency_keys: Counter[str] = Counter()
        self.stale_rejections = 0
        """Quantities refused as ``CHANGE_FROM_QUANTITY_STALE``."""
        self._replies: dict[str, dict[str, Any]] = {}

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
            "shippingAddress": {
                "name": "Ada Shopper",
                "address1": "1 Main St",
                "address2": None,
                "city": "Springfield",
                "provinceCode": None,
                "zip": "12345",
                "countryCodeV2": self.country,
            },
            "lineItems": {
                "nodes": [
                    {
                        "id": f"gid://shopify/LineItem/{oid}{i}",
                        "sku": sku,
                        "quantity": qty,
                        "originalUnitPriceSet": {
                            "shopMoney": {
                                "amount": "10.00",
                                "currencyCode": self.currency,
                            }
                        },
                    }
                    for i, (sku, qty) in enumerate(lines)
                ]
            },
            "_fo": {"id": f"gid://shopify/FulfillmentOrder/{oid}", "status": "OPEN"},
        }
        with self.lock:
            node["createdAt"] = node["updatedAt"] = now = _stamp()
            self.orders[oid] = node
            self.log.append((now, oid))

    def route(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        """Dispatch one GraphQL document by the field it asks for."""
        text = str(body.get("query", ""))
        v = body.get("variables") or {}
        cost = {
            "requestedQueryCost": 10,
            "actualQueryCost": 10,
            "throttleStatus": {
                "maximumAvailable": 2000.0,
                "currentlyAvailable": 1990.0,
                "restoreRate": 100.0,
            },
        }
        if "inventorySetQuantities" in text:
            data = self._set(v)
        elif "fulfillmentCreate" in text:
            data = self._fulfil(v)
        elif "fulfillmentOrders" in text:
            data = self._fos(v)
        elif "inventoryItems" in text:
            skus = [p.split("'")[1] for p in str(v.get("query", "")).split(" OR ")]
            data = {
                "inventoryItems": {
                    "nodes": [
                        {"id": f"gid://shopify/InventoryItem/{s}", "sku": s}
                        for s in skus
                    ]
                }
            }
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
        return {
            "orders": {
                "nodes": clean,
                "pageInfo": {"hasNextPage": more, "endCursor": str(start + len(clean))},
            }
        }

    def _set(self, v: dict[str, Any]) -> dict[str, Any]:
        """``inventorySetQuantities``: compare-and-set, all or nothing, idempotent.

        A quantity with a non-null ``changeFromQuantity`` that differs from
        what the shop shows fails the whole mutation with a
        ``CHANGE_FROM_QUANTITY_STALE`` userError per stale quantity (field path
        ``input.quantities.N.changeFromQuantity``). A repeated ``@idempotent``
        key gets the first reply again and changes nothing.
        """
        key = str(v.get("key", ""))
        with self.lock:
            self.idempotency_keys[key] += 1
            if key in self._replies:
                return self._replies[key]
            quantities = v["input"]["quantities"]
            errors = [
                {
                    "field": ["input", "quantities", str(i), "changeFromQuantity"],
                    "message": "The quantity couldn't be updated because "
                    "changeFromQuantity is stale.",
                    "code": "CHANGE_FROM_QUANTITY_STALE",
                }
                for i, q in enumerate(quantities)
                if q.get("changeFromQuantity") is not None
                and self.stock.get(_sku(q), 0) != int(q["changeFromQuantity"])
            ]
            self.stale_rejections += len(errors)
            reply = {
                "inventorySetQuantities": {
                    "inventoryAdjustmentGroup": None if errors else {"id": key},
                    "userErrors": errors,
                }
            }
            self._replies[key] = reply
            if not errors:  # checked and set under one lock: a sale cannot slip in
                now = time.time()
                for q in quantities:
                    self.stock[_sku(q)] = int(q["quantity"])
                    self.stock_log.append((now, _sku(q), int(q["quantity"])))
        return reply

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
                return {
                    "fulfillmentCreate": {
                        "fulfillment": None,
                        "userErrors": [
                            {
                                "field": ["fulfillment"],
                                "message": "Fulfillment order is closed",
                            }
                        ],
                    }
                }
            node["_fo"]["status"] = "CLOSED"
            node["displayFulfillmentStatus"] = "FULFILLED"
            node["updatedAt"] = now = _stamp()
            self.log.append((now, oid))
            self.shipments[oid].append(dict(f["trackingInfo"]))
        return {
            "fulfillmentCreate": {
                "fulfillment": {"id": fo_id, "status": "SUCCESS"},
                "userErrors": [],
            }
        }
