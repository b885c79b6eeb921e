"""Shopify Admin GraphQL API: orders, inventory levels, fulfillments, webhooks.

* Orders: ``orders(first, after, sortKey: UPDATED_AT, query: "updated_at:>='…'")``
  paged by ``pageInfo.endCursor``; each node is turned into the REST ``Order``
  shape that :mod:`worldpool.orders.channels.shopify` parses (the webhook body).
* Stock: ``inventorySetQuantities`` (name ``available``, reason ``correction``)
  with the ``@idempotent(key:)`` directive and, per quantity, compare-and-set
  ``changeFromQuantity`` (API 2026-01; a stale one fails the mutation with
  ``CHANGE_FROM_QUANTITY_STALE``), inventory item ids found by SKU through
  ``inventoryItems(query: "sku:…")``.
* Tracking: the order's open ``fulfillmentOrders``, then ``fulfillmentCreate``
  with ``trackingInfo { company number }``; a closed fulfillment order means
  it was already confirmed (a re-delivery is a no-op).
* Throttling: the calculated-cost bucket in ``extensions.cost``; a
  ``THROTTLED`` error is retried when the bucket has refilled.
* Webhooks: ``X-Shopify-Hmac-Sha256`` = base64 HMAC-SHA256 of the raw body with
  the app secret; ``X-Shopify-Webhook-Id`` is the event id.

References:
    shopify.dev/docs/api/admin-graphql: ``orders``, ``inventorySetQuantities``,
    ``InventoryQuantityInput.changeFromQuantity`` (changelog "Improved compare
    and swap inventory updates", 2026-01),
    ``fulfillmentCreate``, ``FulfillmentOrder``; "Shopify API rate limits";
    "Deliver webhooks through HTTPS" (verification); "Idempotent mutations".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from worldpool.connectors.errors import ProviderRejected
from worldpool.connectors.provider import (
    Http,
    OrderPage,
    Reply,
    ShipmentPush,
    StockPush,
    WebhookEvent,
)
from worldpool.connectors.throttle import CostBucket

__all__ = ["CHANNEL", "Shopify", "sign_webhook", "verify_webhook"]

CHANNEL = "shopify"
_VERSION = "2026-01"
_PAGE = 100

_ORDERS = """query($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { id legacyResourceId currencyCode createdAt updatedAt cancelledAt
      displayFulfillmentStatus
      shippingLine { code title }
      shippingAddress { name address1 address2 city provinceCode zip countryCodeV2 }
      lineItems(first: 100) { nodes { id sku quantity
        originalUnitPriceSet { shopMoney { amount currencyCode } } } } } } }"""
_ITEMS = """query($query: String) { inventoryItems(first: 250, query: $query) {
  nodes { id sku } } }"""
_SET = """mutation($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id } userErrors { field message code } } }"""
_FOS = """query($id: ID!) { order(id: $id) {
  fulfillmentOrders(first: 20) { nodes { id status } } } }"""
_CREATE = """mutation($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status } userErrors { field message } } }"""
_OPEN = frozenset({"OPEN", "IN_PROGRESS"})
_STALE = "CHANGE_FROM_QUANTITY_STALE"


def _index(error: Mapping[str, Any]) -> int:
    """The quantity index of a userError (``field``: input, quantities, N, ...)."""
    path = [str(p) for p in error.get("field") or []]
    for a, b in itertools.pairwise(path):
        if a == "quantities" and b.isdigit():
            return int(b)
    return 1 << 30


def sign_webhook(body: bytes, secret: str) -> str:
    """Return the ``X-Shopify-Hmac-Sha256`` value for ``body``."""
    mac = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def verify_webhook(
    headers: Mapping[str, str], body: bytes, secret: str
) -> WebhookEvent | None:
    """Return the event of a correctly signed ``orders/*`` webhook, else None."""
    given = headers.get("x-shopify-hmac-sha256", "")
    if not given or not hmac.compare_digest(sign_webhook(body, secret), given):
        return None
    order = json.loads(body)
    event_id = headers.get("x-shopify-webhook-id") or headers.get(
        "x-shopify-event-id", ""
    )
    version = str(order.get("updated_at") or "")
    return WebhookEvent(
        event_id, headers.get("x-shopify-topic", ""), ((order, version),)
    )


def _rest_order(node: dict[str, Any]) -> dict[str, Any]:
    """Return a GraphQL ``Order`` node in the REST/webhook ``Order`` shape."""
    addr = node.get("shippingAddress") or {}
    ship = node.get("shippingLine") or {}
    lines = []
    for li in (node.get("lineItems") or {}).get("nodes") or []:
        price = ((li.get("originalUnitPriceSet") or {}).get("shopMoney") or {}).get(
            "amount", "0"
        )
        lines.append(
            {
                "id": str(li.get("id", "")).rsplit("/", 1)[-1],
                "sku": li.get("sku"),
                "quantity": li.get("quantity"),
                "price": price,
            }
        )
    fulfilled = node.get("displayFulfillmentStatus") == "FULFILLED"
    return {
        "id": node.get("legacyResourceId"),
        "admin_graphql_api_id": node.get("id"),
        "currency": node.get("currencyCode"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "cancelled_at": node.get("cancelledAt"),
        "fulfillment_status": "fulfilled" if fulfilled else None,
        "shipping_lines": [ship] if ship else [],
        "shipping_address": {
            "name": addr.get("name"),
            "address1": addr.get("address1"),
            "address2": addr.get("address2"),
            "city": addr.get("city"),
            "province_code": addr.get("provinceCode"),
            "zip": addr.get("zip"),
            "country_code": addr.get("countryCodeV2"),
        },
        "line_items": lines,
    }


class Shopify:
    """One Shopify shop.

    Args:
        settings: ``location_id`` (gid of the location stock is set at),
            optional ``api_version``.
        credentials: ``access_token`` (Admin API) and optional ``webhook_secret``.
        http: The retrying client pointed at ``https://{shop}.myshopify.com``.
    """

    CHANNEL = CHANNEL
    COMPARE_AND_SET = True
    """Stock levels can be set compare-and-set (``changeFromQuantity``)."""

    def __init__(
        self, settings: Mapping[str, Any], credentials: Mapping[str, Any], http: Http
    ) -> None:
        self.http = http
        self.location = str(settings.get("location_id", ""))
        self.path = f"/admin/api/{settings.get('api_version', _VERSION)}/graphql.json"
        self._token = str(credentials.get("access_token", ""))
        self._bucket = CostBucket()
        self._items: dict[str, str] = {}
        self._lock = threading.Lock()

    def _throttled(self, reply: Reply) -> float | None:
        body = reply.body if isinstance(reply.body, dict) else {}
        self._bucket.update(body.get("extensions"), time.monotonic())
        for err in body.get("errors") or []:
            if ((err or {}).get("extensions") or {}).get("code") == "THROTTLED":
                return max(0.05, self._bucket.wait_for(100.0, time.monotonic()))
        return None

    def _gql(self, op: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        pause = self._bucket.wait_for(50.0, time.monotonic())
        if pause > 0:
            time.sleep(pause)
        reply = self.http.call(
            op,
            "POST",
            self.path,
            headers={"X-Shopify-Access-Token": self._token},
            json={"query": query, "variables": variables},
            throttled=self._throttled,
        )
        body = reply.body if isinstance(reply.body, dict) else {}
        if body.get("errors"):
            first = body["errors"][0] or {}
            raise ProviderRejected(f"shopify {op}: {first.get('message', 'error')}")
        data = body.get("data")
        return data if isinstance(data, dict) else {}

    def test(self) -> str:
        """Return the shop's name (``{ shop { name } }``)."""
        return str(self._gql("shop", "{ shop { name } }", {})["shop"]["name"])

    def fetch_orders(self, cursor: str | None) -> OrderPage:
        """Return orders updated at or after the cursor's time, one page."""
        state = json.loads(cursor) if cursor else {}
        since = state.get("since")
        data = self._gql(
            "orders",
            _ORDERS,
            {
                "first": _PAGE,
                "after": state.get("after"),
                "query": f"updated_at:>='{since}'" if since else None,
            },
        )
        orders = data.get("orders") or {}
        nodes = orders.get("nodes") or []
        records = tuple((_rest_order(n), str(n.get("updatedAt") or "")) for n in nodes)
        newest = max([v for _, v in records if v] or [since or ""])
        info = orders.get("pageInfo") or {}
        more = bool(info.get("hasNextPage"))
        # Within a burst of equal timestamps keep paging; otherwise restart from
        # the newest time seen (inclusive: a repeat is a no-op downstream).
        after = info.get("endCursor") if more else None
        nxt = {"since": since if more else newest or since, "after": after}
        return OrderPage(records, json.dumps(nxt, sort_keys=True), more)

    def _item_ids(self, skus: Sequence[str]) -> dict[str, str]:
        with self._lock:
            missing = [s for s in skus if s not in self._items]
        for i in range(0, len(missing), 50):
            chunk = missing[i : i + 50]
            query = " OR ".join(f"sku:'{s}'" for s in chunk)
            data = self._gql("inventoryItems", _ITEMS, {"query": query})
            with self._lock:
                for node in (data.get("inventoryItems") or {}).get("nodes") or []:
                    self._items[str(node.get("sku"))] = str(node.get("id"))
        with self._lock:
            return {s: self._items[s] for s in skus if s in self._items}

    def push_stock(self, levels: Sequence[StockPush]) -> frozenset[str]:
        """Set ``available`` at the location for each SKU listed in the shop.

        A level with ``expected`` is sent with ``changeFromQuantity`` (the
        shop sets it only if it still shows that many); the others with an
        explicit null (no check). Shopify rejects the whole mutation when one
        quantity is stale (``CHANGE_FROM_QUANTITY_STALE``), so the rest are
        sent again without the stale ones. Returns the stale SKUs.
        """
        items = self._item_ids([lv.sku for lv in levels])
        todo = [lv for lv in levels if lv.sku in items]
        stale: set[str] = set()
        for i in range(0, len(todo), 250):
            chunk = todo[i : i + 250]
            while chunk:
                bad = self._set_chunk(chunk, items)
                if not bad:
                    break
                stale.update(lv.sku for lv in bad)
                chunk = [lv for lv in chunk if lv not in bad]
        return frozenset(stale)

    def _set_chunk(
        self, chunk: Sequence[StockPush], items: Mapping[str, str]
    ) -> list[StockPush]:
        """Send one ``inventorySetQuantities``; return the stale levels (none set)."""
        quantities = [
            {
                "inventoryItemId": items[lv.sku],
                "locationId": self.location,
                "quantity": lv.level,
                "changeFromQuantity": lv.expected,
            }
            for lv in chunk
        ]
        # The key names exactly this request: a retry of it is a no-op at
        # Shopify, a different set of quantities is a new request.
        key = hashlib.sha256(
            json.dumps(
                [[lv.key, lv.sku, lv.level, lv.expected] for lv in chunk]
            ).encode()
        ).hexdigest()[:32]
        data = self._gql(
            "inventorySetQuantities",
            _SET,
            {
                "key": key,
                "input": {
                    "name": "available",
                    "reason": "correction",
                    "quantities": quantities,
                },
            },
        )
        errors = (data.get("inventorySetQuantities") or {}).get("userErrors") or []
        stale = [e for e in errors if e.get("code") == _STALE]
        if len(stale) < len(errors) or not errors:
            self._user_errors("inventorySetQuantities", data)
            return []
        bad = [chunk[_index(e)] for e in stale if _index(e) < len(chunk)]
        if not bad:
            raise ProviderRejected("shopify inventorySetQuantities: stale quantity")
        return bad

    @staticmethod
    def _user_errors(op: str, data: dict[str, Any]) -> None:
        errors = (data.get(op) or {}).get("userErrors") or []
        if errors:
            raise ProviderRejected(f"shopify {op}: {errors[0].get('message', '')}")

    def push_shipment(self, shipment: ShipmentPush) -> None:
        """Create a fulfillment with tracking on the order's open fulfillment orders."""
        gid = shipment.extra.get("admin_graphql_api_id") or (
            f"gid://shopify/Order/{shipment.channel_order_id}"
        )
        data = self._gql("fulfillmentOrders", _FOS, {"id": gid})
        fos = ((data.get("order") or {}).get("fulfillmentOrders") or {}).get(
            "nodes"
        ) or []
        open_ids = [fo["id"] for fo in fos if fo.get("status") in _OPEN]
        if not open_ids:
            return  # already fulfilled: this confirmation went through before
        data = self._gql(
            "fulfillmentCreate",
            _CREATE,
            {
                "fulfillment": {
                    "lineItemsByFulfillmentOrder": [
                        {"fulfillmentOrderId": fo} for fo in open_ids
                    ],
                    "trackingInfo": {
                        "company": shipment.carrier,
                        "number": shipment.tracking_number,
                    },
                    "notifyCustomer": True,
                }
            },
        )
        self._user_errors("fulfillmentCreate", data)
