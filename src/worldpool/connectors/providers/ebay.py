"""eBay Sell APIs: OAuth refresh grant, Fulfillment orders/shipping, Inventory.

* Auth: ``POST /identity/v1/oauth2/token`` with ``Authorization: Basic
  base64(client_id:client_secret)`` and ``grant_type=refresh_token``,
  ``refresh_token``, ``scope`` (``sell.fulfillment sell.inventory``); the
  ``access_token`` (``expires_in`` 7200 s) goes as ``Authorization: Bearer``.
* Orders: Fulfillment API ``getOrders`` (``GET /sell/fulfillment/v1/order``)
  with ``filter=lastmodifieddate:[since..until]``, ``limit`` (max 200) and
  ``offset``. A window is fixed on its first page; if its ``total`` changes
  while paging (an order in it was modified again and left it) the window is
  read again from offset 0, so an offset shift never skips an order. The next
  window starts at the newest ``lastModifiedDate`` seen (inclusive: repeats
  are no-ops downstream).
* Stock: Inventory API ``bulkUpdatePriceQuantity`` (``POST
  /sell/inventory/v1/bulk_update_price_quantity``), 25 SKUs per call, setting
  ``shipToLocationAvailability.quantity`` (absolute, so a repeat is harmless);
  a per-SKU ``statusCode`` >= 400 fails the push.
* Tracking: ``getShippingFulfillments`` first (a fulfillment with our tracking
  number means it was confirmed before), then ``createShippingFulfillment``
  (``lineItems``, ``shippedDate``, ``shippingCarrierCode``, ``trackingNumber``).
* Webhooks: Notification API payloads signed with ``X-EBAY-SIGNATURE``:
  base64 JSON ``{alg, kid, signature, digest}``; the ECDSA signature (DER,
  base64) of the raw body is checked with the public key of ``kid``
  (``getPublicKey``, kept in the connection's ``notification_keys`` setting).
  The event names the order; it is fetched with ``getOrders?orderIds=``.
* Limits: Fulfillment API 100,000 calls a day, Inventory API 2,000,000 a day
  (default token buckets below; a connection's ``rate_limits`` overrides them).

References:
    developer.ebay.com: "Using the refresh token to get an access token"
    (OAuth), Sell Fulfillment API v1 ``getOrders``, ``getShippingFulfillments``,
    ``createShippingFulfillment``; Sell Inventory API v1
    ``bulkUpdatePriceQuantity``; Notification API "Verify the signature",
    ``getPublicKey``; "API call limits".
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from worldpool.connectors.errors import ChannelError, PushIncomplete
from worldpool.connectors.provider import (
    Http,
    OrderPage,
    ShipmentPush,
    StockPush,
    WebhookEvent,
)
from worldpool.connectors.providers._common import TokenCache, basic_auth, load_cursor

__all__ = ["CHANNEL", "LIMITS", "Ebay", "verify_webhook"]

CHANNEL = "ebay"
_PAGE = 200
_BULK = 25
_ORDERS = "/sell/fulfillment/v1/order"
_SCOPES = (
    "https://api.ebay.com/oauth/api_scope/sell.fulfillment "
    "https://api.ebay.com/oauth/api_scope/sell.inventory"
)

LIMITS: dict[str, tuple[float, float]] = {
    "getOrders": (1.15, 20.0),
    "getShippingFulfillments": (1.15, 20.0),
    "createShippingFulfillment": (1.15, 20.0),
    "bulkUpdatePriceQuantity": (23.0, 50.0),
}
"""(rate per second, burst) per operation: the documented daily quotas spread
over the day (100,000 Fulfillment, 2,000,000 Inventory calls)."""


def _iso(when: datetime) -> str:
    return (
        when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def verify_webhook(
    headers: Mapping[str, str],
    body: bytes,
    credentials: Mapping[str, Any],
    settings: Mapping[str, Any],
) -> WebhookEvent | None:
    """Return the event of a notification whose ``X-EBAY-SIGNATURE`` holds, else None.

    The public key is looked up by the signature's ``kid`` in the
    connection's ``notification_keys`` setting (PEM text per key id).
    """
    try:
        sig = json.loads(base64.b64decode(headers.get("x-ebay-signature", "")))
        pem = str((settings.get("notification_keys") or {})[str(sig["kid"])])
        key = serialization.load_pem_public_key(pem.encode())
        if not isinstance(key, ec.EllipticCurvePublicKey):
            return None
        algo = hashes.SHA256() if sig.get("digest") == "SHA256" else hashes.SHA1()
        key.verify(base64.b64decode(sig["signature"]), body, ec.ECDSA(algo))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return None
    payload = json.loads(body)
    note = payload.get("notification") or {}
    order_id = str((note.get("data") or {}).get("orderId") or "")
    return WebhookEvent(
        str(note.get("notificationId", "")),
        str((payload.get("metadata") or {}).get("topic", "")),
        (),
        (order_id,) if order_id else (),
    )


class Ebay:
    """One eBay seller account.

    Args:
        settings: optional ``token_url``, ``notification_keys``, ``page_size``,
            ``push_concurrency`` (``bulkUpdatePriceQuantity`` calls at once
            during a stock push, default 4).
        credentials: ``client_id``, ``client_secret``, ``refresh_token``.
        http: The retrying client pointed at ``https://api.ebay.com``.
    """

    CHANNEL = CHANNEL

    def __init__(
        self, settings: Mapping[str, Any], credentials: Mapping[str, Any], http: Http
    ) -> None:
        self.http = http
        self.token_url = str(
            settings.get("token_url", "https://api.ebay.com/identity/v1/oauth2/token")
        )
        self.page = int(settings.get("page_size", _PAGE))
        self._creds = dict(credentials)
        self.tokens = TokenCache(self._refresh)
        self.concurrency = int(settings.get("push_concurrency", 4))
        """Calls of one stock push in flight at once: the first push after a
        worker takes a shop over carries every SKU that changed meanwhile
        (1,000 SKUs: 40 calls, 2-4 s one after the other)."""
        self._pool: ThreadPoolExecutor | None = None

    def _refresh(self) -> tuple[str, float]:
        reply = self.http.call(
            "oauthToken",
            "POST",
            self.token_url,
            headers={
                "Authorization": basic_auth(
                    str(self._creds.get("client_id", "")),
                    str(self._creds.get("client_secret", "")),
                )
            },
            data={
                "grant_type": "refresh_token",
                "refresh_token": str(self._creds.get("refresh_token", "")),
                "scope": _SCOPES,
            },
        )
        body = reply.body if isinstance(reply.body, dict) else {}
        return str(body.get("access_token", "")), float(body.get("expires_in", 7200))

    def _call(self, op: str, method: str, path: str, **kw: Any) -> Any:
        def send(token: str) -> Any:
            """One authorised call."""
            headers = {"Authorization": f"Bearer {token}", "Content-Language": "en-US"}
            return self.http.call(op, method, path, headers=headers, **kw).body

        return self.tokens.send(send)

    def test(self) -> str:
        """Return how many orders the account has in the last 90 days."""
        body = self._call("getOrders", "GET", _ORDERS, params={"limit": 1})
        return f"eBay seller, {int((body or {}).get('total', 0))} recent orders"

    def fetch_orders(self, cursor: str | None) -> OrderPage:
        """Return one ``getOrders`` page of the current modification window."""
        state = load_cursor(cursor)
        # getOrders keeps 90 days of orders: a first scan starts there.
        since = state.get("since") or _iso(datetime.now(UTC) - timedelta(days=89))
        until = state.get("until") or _iso(datetime.now(UTC))
        offset = int(state.get("offset", 0))
        body = self._call(
            "getOrders",
            "GET",
            _ORDERS,
            params={
                "filter": f"lastmodifieddate:[{since}..{until}]",
                "limit": self.page,
                "offset": offset,
            },
        )
        body = body if isinstance(body, dict) else {}
        orders = body.get("orders") or []
        records = tuple((dict(o), str(o.get("lastModifiedDate") or "")) for o in orders)
        total = int(body.get("total", 0))
        newest = max([v for _, v in records if v] + [str(state.get("newest", ""))])
        if "total" in state and total != int(state["total"]):
            # The window changed under the offsets: read it again from the top.
            nxt = {"since": since, "until": until, "offset": 0, "newest": newest}
            return OrderPage(records, json.dumps(nxt, sort_keys=True), True)
        offset += len(orders)
        if offset < total and orders:
            nxt = {
                "since": since,
                "until": until,
                "offset": offset,
                "total": total,
                "newest": newest,
            }
            return OrderPage(records, json.dumps(nxt, sort_keys=True), True)
        return OrderPage(records, json.dumps({"since": newest or since}), False)

    def fetch_by_ids(self, order_ids: Sequence[str]) -> OrderPage:
        """Return the named orders (``getOrders?orderIds=``, 50 a call)."""
        records: list[tuple[dict[str, Any], str]] = []
        for i in range(0, len(order_ids), 50):
            body = self._call(
                "getOrders",
                "GET",
                _ORDERS,
                params={"orderIds": ",".join(order_ids[i : i + 50])},
            )
            for o in (body or {}).get("orders") or []:
                records.append((dict(o), str(o.get("lastModifiedDate") or "")))
        return OrderPage(tuple(records), None)

    def push_stock(self, levels: Sequence[StockPush]) -> None:
        """Set each SKU's available quantity, 25 SKUs per call.

        Raises:
            PushIncomplete: some SKUs were not set (a per-SKU error status in
                a reply, or a call that failed for good); the rest were.
        """
        chunks = [levels[i : i + _BULK] for i in range(0, len(levels), _BULK)]
        if len(chunks) > 1 and self.concurrency > 1:
            if self._pool is None:  # kept: its threads keep their connections
                self._pool = ThreadPoolExecutor(self.concurrency, "ebay-inventory")
            results = list(self._pool.map(self._bulk_or_failed, chunks))
        else:
            results = [self._bulk_or_failed(chunk) for chunk in chunks]
        failed: dict[str, str] = {}
        for refused in results:
            failed |= refused
        if failed:
            sku, why = next(iter(failed.items()))
            raise PushIncomplete(
                f"ebay bulkUpdatePriceQuantity {sku}: {why} "
                f"({len(failed)} of {len(levels)} SKUs not set)",
                failed,
            )

    def _bulk_or_failed(self, chunk: Sequence[StockPush]) -> dict[str, str]:
        """One call; a call that failed for good refuses every SKU of it."""
        try:
            return self._bulk_quantities(chunk)
        except ChannelError as exc:
            return {lv.sku: str(exc) for lv in chunk}

    def _bulk_quantities(self, chunk: Sequence[StockPush]) -> dict[str, str]:
        """One ``bulkUpdatePriceQuantity`` call; return refused SKU -> error."""
        body = self._call(
            "bulkUpdatePriceQuantity",
            "POST",
            "/sell/inventory/v1/bulk_update_price_quantity",
            json={
                "requests": [
                    {
                        "sku": lv.sku,
                        "shipToLocationAvailability": {"quantity": lv.level},
                    }
                    for lv in chunk
                ]
            },
        )
        return {
            str(r.get("sku")): "error "
            + str(((r.get("errors") or [{}])[0] or {}).get("errorId", ""))
            for r in (body or {}).get("responses") or []
            if int(r.get("statusCode", 200)) >= 400
        }

    def push_shipment(self, shipment: ShipmentPush) -> None:
        """Create the shipping fulfillment unless one with this tracking exists."""
        path = f"{_ORDERS}/{shipment.channel_order_id}/shipping_fulfillment"
        body = self._call("getShippingFulfillments", "GET", path)
        for f in (body or {}).get("fulfillments") or []:
            if f.get("shipmentTrackingNumber") == shipment.tracking_number:
                return  # confirmed before: a re-delivery of the same push
        self._call(
            "createShippingFulfillment",
            "POST",
            path,
            json={
                "lineItems": [
                    {"lineItemId": line, "quantity": qty}
                    for line, _sku, qty in shipment.lines
                ],
                "shippedDate": _iso(shipment.shipped_at),
                "shippingCarrierCode": shipment.carrier,
                "trackingNumber": shipment.tracking_number,
            },
        )
