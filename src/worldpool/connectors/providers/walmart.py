r"""Walmart Marketplace API v3: token, orders by cursor, shipping, inventory.

* Auth: ``POST /v3/token`` with ``Authorization: Basic
  base64(clientId:clientSecret)`` and ``grant_type=client_credentials``; the
  ``access_token`` (``expires_in`` 900 s) goes as ``WM_SEC.ACCESS_TOKEN``.
  Every call also sends ``WM_SVC.NAME: Walmart Marketplace``, a fresh
  ``WM_QOS.CORRELATION_ID`` (UUID) and ``Accept: application/json``.
* Orders: ``GET /v3/orders?lastModifiedStartDate=…&createdStartDate=…&limit=100``
  (``createdStartDate`` 179 days back: without it only 7 days come), then the
  ``list.meta.nextCursor`` query string appended to ``/v3/orders`` until it is
  empty. An order's version is its newest ``orderLineStatuses`` ``statusDate``
  (epoch ms); the next scan starts at the newest version seen (inclusive).
  ``GET /v3/orders/{purchaseOrderId}`` fetches orders a webhook names.
  Records get an ``id`` (= ``purchaseOrderId``) for the sync engine.
* Stock: more than 10 SKUs go in one bulk ``POST /v3/feeds?feedType=inventory``
  (JSON, header version 1.4) while the hourly feed allowance lasts; otherwise
  ``PUT /v3/inventory?sku=`` per SKU (``quantity`` ``EACH``). A push never
  sleeps waiting for a feed. Levels are absolute, so a repeat is harmless.
* Tracking: the order first: lines already ``Shipped``/``Delivered`` mean it
  was confirmed; ``Created`` lines are acknowledged (``POST
  /v3/orders/{id}/acknowledge``), then ``POST /v3/orders/{id}/shipping``
  (``orderShipment.orderLines`` with ``trackingInfo``).
* Webhooks: subscriptions with ``authMethod: HMAC`` are signed in
  ``WM_SEC.SIGNATURE``: hex HMAC-SHA256, keyed with the webhook secret, of
  ``METHOD\nPATH\nWM_SEC.TIMESTAMP\nsha256_hex(body)``; ``source.eventId``
  is the event id, ``payload.purchaseOrderId`` the order. The path is the
  connection's ``webhook_path`` setting.
* Limits: token buckets per operation; the bulk inventory feed's 10 per hour
  is Walmart's feed limit, the others are defaults (Walmart sets limits per
  seller and answers 429 past them, which is retried).

References:
    developer.walmart.com (US Marketplace): "Get an access token", "Get all
    orders", "Acknowledge orders", "Ship order lines", "Update inventory for an
    item", "Bulk item inventory update", "Rate limiting", "Subscribe to an event
    notification"; hookdeck "walmart-webhooks" (HMAC signing string,
    secondary source).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from worldpool.connectors.errors import ProviderRejected
from worldpool.connectors.provider import (
    Http,
    OrderPage,
    ShipmentPush,
    StockPush,
    WebhookEvent,
)
from worldpool.connectors.providers._common import TokenCache, basic_auth, load_cursor
from worldpool.connectors.throttle import TokenBucket

__all__ = ["CHANNEL", "LIMITS", "Walmart", "verify_webhook", "webhook_signature"]

CHANNEL = "walmart"
_SINGLE_MAX = 10
_DONE = frozenset({"Shipped", "Delivered", "Cancelled"})

LIMITS: dict[str, tuple[float, float]] = {
    "getAllOrders": (5000 / 60, 100.0),
    "getAnOrder": (5000 / 60, 100.0),
    "acknowledgeOrder": (5000 / 60, 100.0),
    "shipOrderLines": (5000 / 60, 100.0),
    "updateInventory": (200 / 60, 20.0),
}
"""(rate per second, burst) per operation: defaults to override with the
connection's ``rate_limits`` (Walmart sets limits per seller)."""

FEED_LIMIT = (10 / 3600, 10.0)
"""Bulk inventory feeds: 10 an hour (Walmart's feed throttling table). The
connector keeps this bucket itself so that it never waits for a feed: with no
feed left it sends single updates instead."""


def webhook_signature(
    secret: str, method: str, path: str, timestamp: str, body: bytes
) -> str:
    """Return the hex ``WM_SEC.SIGNATURE`` of a delivery."""
    plain = f"{method}\n{path}\n{timestamp}\n{hashlib.sha256(body).hexdigest()}"
    return hmac.new(secret.encode(), plain.encode(), hashlib.sha256).hexdigest()


def verify_webhook(
    headers: Mapping[str, str],
    body: bytes,
    credentials: Mapping[str, Any],
    settings: Mapping[str, Any],
) -> WebhookEvent | None:
    """Return the event of a correctly signed notification, else None."""
    secret = str(credentials.get("webhook_secret", ""))
    given = headers.get("wm_sec.signature", "")
    want = webhook_signature(
        secret,
        "POST",
        str(settings.get("webhook_path", "")),
        headers.get("wm_sec.timestamp", ""),
        body,
    )
    if not secret or not given or not hmac.compare_digest(want, given):
        return None
    event = json.loads(body)
    source = event.get("source") or {}
    po = str((event.get("payload") or {}).get("purchaseOrderId") or "")
    return WebhookEvent(
        str(source.get("eventId", "")),
        str(source.get("eventType", "")),
        (),
        (po,) if po else (),
    )


def _ms_iso(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _version(order: Mapping[str, Any]) -> str:
    newest = 0
    for line in (order.get("orderLines") or {}).get("orderLine") or []:
        for st in (line.get("orderLineStatuses") or {}).get("orderLineStatus") or []:
            newest = max(newest, int(st.get("statusDate") or 0))
    return f"{max(newest, int(order.get('orderDate') or 0)):015d}"


def _record(order: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    return {**order, "id": order.get("purchaseOrderId")}, _version(order)


def _statuses(order: Mapping[str, Any]) -> list[str]:
    out = []
    for line in (order.get("orderLines") or {}).get("orderLine") or []:
        sts = (line.get("orderLineStatuses") or {}).get("orderLineStatus") or []
        out.append(str(sts[-1].get("status", "")) if sts else "")
    return out


class Walmart:
    """One Walmart Marketplace seller account.

    Args:
        settings: optional ``ship_method`` (default ``Standard``), ``webhook_path``.
        credentials: ``client_id``, ``client_secret``, optional ``webhook_secret``.
        http: The retrying client pointed at ``https://marketplace.walmartapis.com``.
    """

    CHANNEL = CHANNEL

    def __init__(
        self, settings: Mapping[str, Any], credentials: Mapping[str, Any], http: Http
    ) -> None:
        self.http = http
        self.method = str(settings.get("ship_method", "Standard"))
        self._creds = dict(credentials)
        self.tokens = TokenCache(self._token)
        rate, burst = (settings.get("rate_limits") or {}).get(
            "bulkInventoryFeed", FEED_LIMIT
        )
        self._feeds = TokenBucket(float(rate), float(burst))

    @staticmethod
    def _base() -> dict[str, str]:
        return {
            "WM_SVC.NAME": "Walmart Marketplace",
            "WM_QOS.CORRELATION_ID": str(uuid.uuid4()),
            "Accept": "application/json",
        }

    def _token(self) -> tuple[str, float]:
        auth = basic_auth(
            str(self._creds.get("client_id", "")),
            str(self._creds.get("client_secret", "")),
        )
        reply = self.http.call(
            "getToken",
            "POST",
            "/v3/token",
            headers={**self._base(), "Authorization": auth},
            data={"grant_type": "client_credentials"},
        )
        body = reply.body if isinstance(reply.body, dict) else {}
        return str(body.get("access_token", "")), float(body.get("expires_in", 900))

    def _call(self, op: str, method: str, path: str, **kw: Any) -> Any:
        def send(token: str) -> Any:
            """One authorised call (a fresh correlation id each time)."""
            headers = {**self._base(), "WM_SEC.ACCESS_TOKEN": token}
            return self.http.call(op, method, path, headers=headers, **kw).body

        return self.tokens.send(send)

    def test(self) -> str:
        """Return a token's type and life (proves the client credentials)."""
        self.tokens.drop()
        self.tokens.get()
        return "Walmart Marketplace token issued"

    def fetch_orders(self, cursor: str | None) -> OrderPage:
        """Return one ``Get all orders`` page (``nextCursor`` paging)."""
        state = load_cursor(cursor)
        since = int(state.get("since", 0))
        if state.get("next"):
            body = self._call("getAllOrders", "GET", "/v3/orders" + state["next"])
        else:
            # Without createdStartDate Walmart returns only the last 7 days'
            # orders; orders are kept 180 days.
            created = datetime.now(UTC) - timedelta(days=179)
            start = max(datetime.fromtimestamp(since / 1000, UTC), created)
            body = self._call(
                "getAllOrders",
                "GET",
                "/v3/orders",
                params={
                    "lastModifiedStartDate": _ms_iso(start),
                    "createdStartDate": _ms_iso(created),
                    "limit": 100,
                    "productInfo": "false",
                },
            )
        listing = (body or {}).get("list") or {}
        orders = (listing.get("elements") or {}).get("order") or []
        records = tuple(_record(o) for o in orders)
        newest = max([int(v) for _, v in records] + [since])
        nxt = (listing.get("meta") or {}).get("nextCursor") or None
        state = {"since": since, "next": nxt} if nxt else {"since": newest}
        return OrderPage(records, json.dumps(state, sort_keys=True), bool(nxt))

    def fetch_by_ids(self, order_ids: Sequence[str]) -> OrderPage:
        """Return the named purchase orders (``Get an order`` each)."""
        out = []
        for po in order_ids:
            body = self._call("getAnOrder", "GET", f"/v3/orders/{po}")
            order = (body or {}).get("order")
            if isinstance(order, dict):
                out.append(_record(order))
        return OrderPage(tuple(out), None)

    def push_stock(self, levels: Sequence[StockPush]) -> None:
        """Set each SKU's quantity (absolute).

        More than 10 SKUs go in one bulk feed while the hourly feed allowance
        lasts; otherwise each SKU gets its own update.
        """
        if len(levels) > _SINGLE_MAX and self._feeds.try_take(time.monotonic()):
            self._feed(levels)
            return
        for lv in levels:
            self._call(
                "updateInventory",
                "PUT",
                "/v3/inventory",
                params={"sku": lv.sku},
                json={"sku": lv.sku, "quantity": {"unit": "EACH", "amount": lv.level}},
            )

    def _feed(self, levels: Sequence[StockPush]) -> None:
        body = self._call(
            "bulkInventoryFeed",
            "POST",
            "/v3/feeds",
            params={"feedType": "inventory"},
            json={
                "InventoryHeader": {"version": "1.4"},
                "Inventory": [
                    {"sku": lv.sku, "quantity": {"unit": "EACH", "amount": lv.level}}
                    for lv in levels
                ],
            },
        )
        if not (body or {}).get("feedId"):
            raise ProviderRejected("walmart bulkInventoryFeed: no feedId in reply")

    def push_shipment(self, shipment: ShipmentPush) -> None:
        """Acknowledge if needed, then ship every line with the tracking number."""
        po = shipment.channel_order_id
        found = self.fetch_by_ids([po]).records
        statuses = _statuses(found[0][0]) if found else []
        if statuses and set(statuses) <= _DONE:
            return  # confirmed before: a re-delivery of the same push
        if "Created" in statuses:
            self._call("acknowledgeOrder", "POST", f"/v3/orders/{po}/acknowledge")
        ms = int(shipment.shipped_at.timestamp() * 1000)
        lines = [
            {
                "lineNumber": line,
                "orderLineStatuses": {
                    "orderLineStatus": [
                        {
                            "status": "Shipped",
                            "statusQuantity": {
                                "unitOfMeasurement": "EACH",
                                "amount": str(qty),
                            },
                            "trackingInfo": {
                                "shipDateTime": ms,
                                "carrierName": {"carrier": shipment.carrier},
                                "methodCode": self.method,
                                "trackingNumber": shipment.tracking_number,
                            },
                        }
                    ]
                },
            }
            for line, _sku, qty in shipment.lines
        ]
        self._call(
            "shipOrderLines",
            "POST",
            f"/v3/orders/{po}/shipping",
            json={"orderShipment": {"orderLines": {"orderLine": lines}}},
        )
