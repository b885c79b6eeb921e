"""TikTok Shop Open API (202309): signed requests, orders, packages, inventory.

* Signing: every call carries ``app_key``, ``timestamp`` (epoch s) and
  ``shop_cipher`` in the query and ``sign`` = hex HMAC-SHA256, keyed with the
  app secret, of ``secret + path + sorted {key}{value} of the query (without
  sign and access_token) + body + secret``; the body is sent exactly as signed.
  The access token goes in ``x-tts-access-token``.
* Auth: ``GET {auth}/api/v2/token/refresh`` (``app_key``, ``app_secret``,
  ``refresh_token``, ``grant_type=refresh_token``) returns ``access_token``
  and ``access_token_expire_in`` (epoch s).
* Orders: ``POST /order/202309/orders/search`` (``page_size``, ``page_token``,
  ``sort_field=update_time``, ``sort_order=ASC``; body ``update_time_ge``);
  the next search starts at the newest ``update_time`` seen (inclusive).
  ``GET /order/202309/orders?ids=`` fetches orders a webhook names.
* Stock: ``POST /product/202309/products/search`` by ``seller_skus`` finds the
  product and SKU ids, then ``POST /product/202309/products/{id}/inventory/update``
  sets ``quantity`` at the warehouse (absolute).
* Tracking: the order detail first (a line already carrying our tracking
  number, or a shipped status, means it was confirmed); then ``POST
  /fulfillment/202309/orders/{id}/packages`` (Mark Package As Shipped) with
  ``order_line_item_ids``, ``tracking_number`` and ``shipping_provider_id``
  (mapped from the carrier name by the ``shipping_providers`` setting).
* Webhooks: ``Authorization`` = hex HMAC-SHA256 of ``app_key + raw body``
  keyed with the app secret; ``tts_notification_id`` is the event id and
  ``data.order_id`` the order.
* Errors: replies carry ``code`` (0 = success) and ``message``; HTTP 429 is
  the documented rate-limit answer and is retried.

References:
    partner.tiktokshop.com/docv2: "Sign your API request", "Authorization
    overview" (token refresh), Order API 202309 "Get Order List" / "Get Order
    Detail", Fulfillment API 202309 "Mark Package As Shipped", Product API
    202309 "Search Products" / "Update Inventory", "Webhooks overview"
    (signature), "API rate limits".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from worldpool.connectors.errors import ChannelError, ProviderRejected, PushIncomplete
from worldpool.connectors.provider import (
    CredentialStore,
    Http,
    OrderPage,
    ShipmentPush,
    StockPush,
    WebhookEvent,
)
from worldpool.connectors.providers._common import TokenCache, load_cursor

__all__ = ["CHANNEL", "LIMITS", "TikTokShop", "sign_request", "verify_webhook"]

CHANNEL = "tiktok_shop"
_SHIPPED = frozenset({"AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED"})

LIMITS: dict[str, tuple[float, float]] = {
    "searchOrders": (10.0, 10.0),
    "getOrderDetail": (10.0, 10.0),
    "searchProducts": (10.0, 10.0),
    "updateInventory": (10.0, 10.0),
    "markPackageAsShipped": (10.0, 10.0),
}
"""(rate per second, burst): conservative defaults; a 429 reply is retried
after ``Retry-After``. TikTok Shop's "API rate limits" page (partner portal,
login only) was not readable here, and no per-shop figure for ``Update
Inventory`` was found in public docs or SDKs; a partner reports a limit of 50
requests per second introduced in summer 2025 (trendiolive.com, "Scaling
operations on TikTok Shop"). A connection whose app is granted more sets
``rate_limits``. At 10/s a push sets 10 products a second (one call each)."""


def sign_request(
    secret: str, path: str, query: Mapping[str, Any], body: bytes = b""
) -> str:
    """Return the ``sign`` query value of a request (hex HMAC-SHA256)."""
    pairs = "".join(
        f"{k}{query[k]}" for k in sorted(query) if k not in ("sign", "access_token")
    )
    plain = f"{secret}{path}{pairs}{body.decode()}{secret}"
    return hmac.new(secret.encode(), plain.encode(), hashlib.sha256).hexdigest()


def verify_webhook(
    headers: Mapping[str, str],
    body: bytes,
    credentials: Mapping[str, Any],
    settings: Mapping[str, Any],
) -> WebhookEvent | None:
    """Return the event of a correctly signed webhook, else None."""
    key = str(credentials.get("app_key", "")).encode()
    secret = str(credentials.get("app_secret", "")).encode()
    want = hmac.new(secret, key + body, hashlib.sha256).hexdigest()
    given = headers.get("authorization", "")
    if not given or not hmac.compare_digest(want, given):
        return None
    event = json.loads(body)
    order_id = str((event.get("data") or {}).get("order_id") or "")
    return WebhookEvent(
        str(event.get("tts_notification_id", "")),
        str(event.get("type", "")),
        (),
        (order_id,) if order_id else (),
    )


def _version(order: Mapping[str, Any]) -> str:
    return f"{int(order.get('update_time') or 0):012d}"


class TikTokShop:
    """One TikTok Shop shop.

    Args:
        settings: ``shop_cipher``, ``warehouse_id``, optional ``auth_url``,
            ``shipping_providers`` (carrier name -> provider id),
            ``push_concurrency`` (inventory calls at once, default 4),
            ``push_window_s`` (seconds of calls one push may hold, default 1).
        credentials: ``app_key``, ``app_secret``, ``refresh_token``.
        http: The retrying client pointed at ``https://open-api.tiktokglobalshop.com``.
    """

    CHANNEL = CHANNEL

    def __init__(
        self, settings: Mapping[str, Any], credentials: Mapping[str, Any], http: Http
    ) -> None:
        self.http = http
        self.cipher = str(settings.get("shop_cipher", ""))
        self.warehouse = str(settings.get("warehouse_id", ""))
        self.auth_url = str(settings.get("auth_url", "https://auth.tiktok-shops.com"))
        self.carriers = dict(settings.get("shipping_providers") or {})
        self.concurrency = int(settings.get("push_concurrency", 8))
        """``Update Inventory`` calls in flight at once during a stock push.

        The bucket, not this, caps the rate; calls/s <= this / round trip
        (4 keep 200/s going at 20 ms a call). More threads per connection
        also compete with the worker's poller and feed for the GIL."""
        self.push_window_s = float(settings.get("push_window_s", 1.0))
        """Seconds of ``updateInventory`` calls one push may hold (see
        :attr:`max_push_skus`)."""
        self._pool: ThreadPoolExecutor | None = None
        self._key = str(credentials.get("app_key", ""))
        self._secret = str(credentials.get("app_secret", ""))
        self._creds = dict(credentials)
        self.tokens = TokenCache(self._refresh)
        self._skus: dict[str, tuple[str, str]] = {}
        self.store: CredentialStore | None = None
        """Where a rotated refresh token is written back (set by the engine)."""

    def _refresh(self) -> tuple[str, float]:
        """Refresh the access token; save the rotated refresh token at once.

        TikTok rotates refresh tokens: the reply carries a new one and the one
        sent stops working. When the stored one was rotated meanwhile by
        another process, the refresh is refused: the stored one is read
        again and tried once.
        """
        try:
            data = self._refresh_with(str(self._creds.get("refresh_token", "")))
        except ProviderRejected:
            stored = self.store.load() if self.store is not None else {}
            if stored.get("refresh_token") in (None, self._creds.get("refresh_token")):
                raise
            self._creds = {**self._creds, "refresh_token": stored["refresh_token"]}
            data = self._refresh_with(str(stored["refresh_token"]))
        rotated = str(data.get("refresh_token") or "")
        if rotated and rotated != self._creds.get("refresh_token"):
            self._creds = {**self._creds, "refresh_token": rotated}
            if self.store is not None:
                self.store.save(dict(self._creds))
        expires = float(data.get("access_token_expire_in", time.time() + 3600))
        return str(data.get("access_token", "")), expires - time.time()

    def _refresh_with(self, refresh_token: str) -> dict[str, Any]:
        reply = self.http.call(
            "refreshToken",
            "GET",
            f"{self.auth_url}/api/v2/token/refresh",
            params={
                "app_key": self._key,
                "app_secret": self._secret,
                "refresh_token": refresh_token,
                "grant_type": "refresh_token",
            },
        )
        return self._data("refreshToken", reply.body)

    @staticmethod
    def _data(op: str, body: Any) -> dict[str, Any]:
        body = body if isinstance(body, dict) else {}
        if body.get("code", 0) != 0:
            raise ProviderRejected(
                f"tiktok_shop {op}: code {body.get('code')} {body.get('message', '')}"
            )
        data = body.get("data")
        return data if isinstance(data, dict) else {}

    def _call(
        self,
        op: str,
        method: str,
        path: str,
        query: Mapping[str, Any] | None = None,
        body: Any = None,
        *,
        shop: bool = True,
    ) -> dict[str, Any]:
        params: dict[str, Any] = {
            "app_key": self._key,
            "timestamp": int(time.time()),
            **(query or {}),
        }
        if shop:
            params["shop_cipher"] = self.cipher
        raw = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        params["sign"] = sign_request(self._secret, path, params, raw)

        def send(token: str) -> Any:
            """One signed, authorised call."""
            return self.http.call(
                op,
                method,
                path,
                params=params,
                headers={
                    "x-tts-access-token": token,
                    "Content-Type": "application/json",
                },
                content=raw if body is not None else None,
            ).body

        return self._data(op, self.tokens.send(send))

    def test(self) -> str:
        """Return the authorised shops' names (``Get Authorized Shops``)."""
        data = self._call(
            "getAuthorizedShops", "GET", "/authorization/202309/shops", shop=False
        )
        return ", ".join(str(s.get("name", "")) for s in data.get("shops") or [])

    def fetch_orders(self, cursor: str | None) -> OrderPage:
        """Return one page of orders updated at or after the cursor's time."""
        state = load_cursor(cursor)
        since = int(state.get("since", 0))
        query: dict[str, Any] = {
            "page_size": 100,
            "sort_field": "update_time",
            "sort_order": "ASC",
        }
        if state.get("page_token"):
            query["page_token"] = state["page_token"]
        data = self._call(
            "searchOrders",
            "POST",
            "/order/202309/orders/search",
            query,
            {"update_time_ge": since},
        )
        orders = data.get("orders") or []
        records = tuple((dict(o), _version(o)) for o in orders)
        newest = max([int(o.get("update_time") or 0) for o in orders] + [since])
        token = data.get("next_page_token") or None
        nxt = {"since": since, "page_token": token} if token else {"since": newest}
        return OrderPage(records, json.dumps(nxt, sort_keys=True), bool(token))

    def fetch_by_ids(self, order_ids: Sequence[str]) -> OrderPage:
        """Return the named orders (``Get Order Detail``, 50 a call)."""
        records: list[tuple[dict[str, Any], str]] = []
        for i in range(0, len(order_ids), 50):
            data = self._call(
                "getOrderDetail",
                "GET",
                "/order/202309/orders",
                {"ids": ",".join(order_ids[i : i + 50])},
            )
            records += [(dict(o), _version(o)) for o in data.get("orders") or []]
        return OrderPage(tuple(records), None)

    def _sku_ids(self, skus: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Return (product id, SKU id) per seller SKU listed, looked up once.

        20 SKUs a ``searchProducts`` call, up to ``push_concurrency`` calls at
        once: a worker that takes a shop over looks up every SKU before its
        first push (1,000 SKUs: 50 calls), and one after the other that held
        the first push back by a second or more.
        """
        missing = [s for s in skus if s not in self._skus]
        chunks = [missing[i : i + 20] for i in range(0, len(missing), 20)]
        if len(chunks) > 1 and self.concurrency > 1:
            found = list(self._executor().map(self._search, chunks))
        else:
            found = [self._search(chunk) for chunk in chunks]
        for ids in found:
            self._skus.update(ids)
        return {s: self._skus[s] for s in skus if s in self._skus}

    def _search(self, seller_skus: list[str]) -> dict[str, tuple[str, str]]:
        """One ``searchProducts`` call: (product id, SKU id) per seller SKU."""
        data = self._call(
            "searchProducts",
            "POST",
            "/product/202309/products/search",
            {"page_size": 100},
            {"seller_skus": seller_skus},
        )
        return {
            str(sku.get("seller_sku")): (str(product.get("id")), str(sku.get("id")))
            for product in data.get("products") or []
            for sku in product.get("skus") or []
        }

    def _executor(self) -> ThreadPoolExecutor:
        """The connector's call pool (kept: its threads keep their connections)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.concurrency, "tts-calls")
        return self._pool

    @property
    def max_push_skus(self) -> int:
        """SKUs one push may carry: ``push_window_s`` at the inventory rate.

        A push of more would compute every level long before its call goes;
        the outbox keeps the rest for the next push (the scarcest and the
        longest waiting go first, see :func:`~worldpool.connectors.stock_push.defer`).
        """
        bucket = getattr(self.http, "limits", {}).get("updateInventory")
        rate = (
            float(bucket.rate) if bucket is not None else LIMITS["updateInventory"][0]
        )
        return max(self.concurrency, int(rate * self.push_window_s))

    def push_stock(self, levels: Sequence[StockPush]) -> None:
        """Set the warehouse quantity of each SKU listed in the shop.

        One ``Update Inventory`` call per product (the API takes one product
        a call), up to ``push_concurrency`` at once, the scarcest levels
        first; the client's bucket holds them to the ``updateInventory``
        rate. Every call is waited for, so no call of this push is still in
        flight when the next push of the same SKU starts (an older level
        never overtakes a newer one).

        Raises:
            PushIncomplete: some products were not set (``failed`` names
                their SKUs); every other SKU was.
            ChannelError: the SKU lookup failed (nothing was sent).
        """
        ids = self._sku_ids([lv.sku for lv in levels])
        by_product: dict[str, list[StockPush]] = {}
        for lv in sorted(levels, key=lambda lv: lv.level):
            if lv.sku in ids:
                by_product.setdefault(ids[lv.sku][0], []).append(lv)
        failures = self._update_all(by_product)
        if failures:
            first = next(iter(failures.values()))
            raise PushIncomplete(
                f"{first} ({len(failures)} of {len(by_product)} products not set)",
                [lv.sku for product in failures for lv in by_product[product]],
                status=first.status,
            )

    def _update_all(
        self, by_product: Mapping[str, Sequence[StockPush]]
    ) -> dict[str, ChannelError]:
        """Send each product's ``Update Inventory``; return the failed ones."""

        def update(product: str) -> None:
            """One product's ``Update Inventory`` (its SKUs in one call)."""
            self._call(
                "updateInventory",
                "POST",
                f"/product/202309/products/{product}/inventory/update",
                None,
                {
                    "skus": [
                        {
                            "id": self._skus[lv.sku][1],
                            "inventory": [
                                {"warehouse_id": self.warehouse, "quantity": lv.level}
                            ],
                        }
                        for lv in by_product[product]
                    ]
                },
            )

        failures: dict[str, ChannelError] = {}
        if len(by_product) <= 1 or self.concurrency <= 1:
            for product in by_product:
                try:
                    update(product)
                except ChannelError as exc:
                    failures[product] = exc
            return failures
        pool = self._executor()
        futures = {pool.submit(update, p): p for p in by_product}
        wait(futures)
        for future, product in futures.items():
            error = future.exception()
            if isinstance(error, ChannelError):
                failures[product] = error
            elif error is not None:
                raise error
        return failures

    def push_shipment(self, shipment: ShipmentPush) -> None:
        """Mark the order's package shipped with tracking, unless it already is."""
        found = self.fetch_by_ids([shipment.channel_order_id]).records
        if found:
            order = found[0][0]
            numbers = {
                li.get("tracking_number") for li in order.get("line_items") or []
            }
            if order.get("status") in _SHIPPED or shipment.tracking_number in numbers:
                return  # confirmed before: a re-delivery of the same push
        self._call(
            "markPackageAsShipped",
            "POST",
            f"/fulfillment/202309/orders/{shipment.channel_order_id}/packages",
            None,
            {
                "order_line_item_ids": [
                    item
                    for line, _sku, _qty in shipment.lines
                    for item in line.split(",")
                ],
                "tracking_number": shipment.tracking_number,
                "shipping_provider_id": str(
                    self.carriers.get(shipment.carrier, shipment.carrier)
                ),
            },
        )
