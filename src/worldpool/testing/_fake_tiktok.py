"""Fake TikTok Shop Open API (202309) on loopback (see :mod:`fake_channels`)."""

from __future__ import annotations

import hmac
import json
import time
from typing import Any, ClassVar

from worldpool.connectors.providers.tiktok_shop import sign_request
from worldpool.testing._fake_base import FAST_LIMITS, FakeChannel

__all__ = ["FakeTikTokShop"]


def _ok(data: dict[str, Any]) -> tuple[int, Any]:
    return 200, {"code": 0, "message": "Success", "request_id": "r", "data": data}


class FakeTikTokShop(FakeChannel):
    """Fake TikTok Shop: token refresh, signed order/product/fulfillment calls.

    Every shop call must carry a correct ``sign`` (recomputed from the path,
    the query and the raw body) and a live ``x-tts-access-token``; otherwise
    the reply is code ``106001`` (HTTP 401), as TikTok answers.
    """

    CHANNEL = "tiktok_shop"
    CREDENTIALS: ClassVar[dict[str, str]] = {
        "app_key": "tt-app",
        "app_secret": "tt-secret",
        "refresh_token": "ROW_refresh",
    }
    SETTINGS: ClassVar[dict[str, Any]] = {
        "shop_cipher": "c1",
        "warehouse_id": "w1",
        "auth_url": "",  # the token endpoint on the fake itself (relative URL)
        "rate_limits": FAST_LIMITS,
    }

    def __init__(self, seed: int = 0, **kw: Any) -> None:
        super().__init__(seed, **kw)
        self.app_key = self.CREDENTIALS["app_key"]
        self.app_secret = self.CREDENTIALS["app_secret"]
        self.tokens_issued = 0
        self.refresh_token: str | None = None
        """The one refresh token that works (None: any, until the first refresh)."""
        self.refused_refreshes = 0
        self._replaced: str | None = None
        self.bad_signs = 0
        self._live: set[str] = set()
        self._clock = int(time.time())

    def _tick(self) -> int:
        """A strictly increasing update_time (epoch s), as the log needs."""
        self._clock = max(self._clock, int(time.time()))
        return self._clock

    def revoke_tokens(self) -> None:
        """Invalidate every issued access token (as a rotation or revocation does)."""
        with self.lock:
            self._live.clear()

    def create_order(self, oid: str, lines: list[tuple[str, int]]) -> None:
        """Store an order as ``Get Order Detail`` returns it (one line per unit)."""
        items = [
            {
                "id": f"{oid}{i}{u}",
                "seller_sku": sku,
                "sale_price": "10.00",
                "currency": self.currency,
                "tracking_number": "",
            }
            for i, (sku, qty) in enumerate(lines)
            for u in range(qty)
        ]
        tid = f"57{int(oid):014d}"
        order: dict[str, Any] = {
            "id": tid,
            "status": "AWAITING_SHIPMENT",
            "create_time": 0,
            "update_time": 0,
            "payment": {"currency": self.currency, "total_amount": "10.00"},
            "recipient_address": {
                "name": "Ada Shopper",
                "address_line1": "1 Main St",
                "postal_code": "12345",
                "region_code": self.country,
                "district_info": [
                    {"address_level_name": "Country", "address_name": "United States"},
                    {"address_level_name": "State", "address_name": "Illinois"},
                    {"address_level_name": "City", "address_name": "Springfield"},
                ],
            },
            "line_items": items,
        }
        with self.lock:
            order["create_time"] = order["update_time"] = now = self._tick()
            order["_v"] = f"{now:012d}"
            self.orders[tid] = order
            self.log.append((f"{now:012d}", tid))

    def sell(self, sku: str, qty: int) -> str | None:
        """A shopper buys; returns the TikTok order id."""
        oid = super().sell(sku, qty)
        return None if oid is None else f"57{int(oid):014d}"

    def webhook(self, order_id: str, event_id: str) -> tuple[dict[str, str], bytes]:
        """Return (headers, body) of a signed ORDER_STATUS_CHANGE webhook."""
        body = json.dumps(
            {
                "type": 1,
                "tts_notification_id": event_id,
                "shop_id": "7000",
                "timestamp": int(time.time()),
                "data": {"order_id": order_id, "order_status": "AWAITING_SHIPMENT"},
            }
        ).encode()
        mac = hmac.new(self.app_secret.encode(), self.app_key.encode() + body, "sha256")
        return {"Authorization": mac.hexdigest()}, body

    def route(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        """Dispatch one Open API request after checking token and signature."""
        if path == "/api/v2/token/refresh":
            return self._token(query)
        token = self.current.headers.get("x-tts-access-token", "")
        want = sign_request(self.app_secret, path, query, self.current.raw)
        if token not in self._live or not hmac.compare_digest(
            want, query.get("sign", "")
        ):
            with self.lock:
                self.bad_signs += 1
            return 401, {"code": 106001, "message": "Invalid credentials", "data": None}
        if path == "/order/202309/orders/search":
            return _ok(self._search(query, body))
        if path == "/order/202309/orders":
            ids = query.get("ids", "").split(",")
            with self.lock:
                found = [
                    {
                        k: v
                        for k, v in json.loads(json.dumps(self.orders[i])).items()
                        if not k.startswith("_")
                    }
                    for i in ids
                    if i in self.orders
                ]
            return _ok({"orders": found})
        if path == "/product/202309/products/search":
            skus = body.get("seller_skus") or []
            products = [
                {"id": f"p-{s}", "skus": [{"id": f"s-{s}", "seller_sku": s}]}
                for s in skus
            ]
            return _ok({"products": products, "total_count": len(products)})
        if path.endswith("/inventory/update"):
            return self._set_inventory(body)
        if path.endswith("/packages"):
            return self._ship(path.split("/")[-2], body)
        return _ok({"shops": [{"name": "Fake TikTok Shop", "cipher": "c1"}]})

    def _set_inventory(self, body: dict[str, Any]) -> tuple[int, Any]:
        skus = [str(sku["id"]).removeprefix("s-") for sku in body["skus"]]
        if [s for s in skus if self.refused(s)]:  # code 12019003: not retried
            return 200, {"code": 12019003, "message": "injected", "data": None}
        for sku in body["skus"]:
            level = int(sku["inventory"][0]["quantity"])
            self.set_level(str(sku["id"]).removeprefix("s-"), level)
        return _ok({})

    def _token(self, query: dict[str, str]) -> tuple[int, Any]:
        if (query.get("app_key"), query.get("app_secret")) != (
            self.app_key,
            self.app_secret,
        ):
            return 200, {"code": 36004004, "message": "invalid app", "data": None}
        with self.lock:
            sent = query.get("refresh_token")
            if self.refresh_token is None or sent == self.refresh_token:
                # Rotation: a new refresh token; the one sent stops working
                # once the new one is used (until then a retry of a reply
                # lost on the way gets the same new token again).
                self._replaced = sent
                self.refresh_token = f"RT_{self.tokens_issued + 1}"
            elif sent != self._replaced:
                self.refused_refreshes += 1
                return 200, {
                    "code": 36004004,
                    "message": "invalid refresh_token",
                    "data": None,
                }
            self.tokens_issued += 1
            token = f"ROW_{self.tokens_issued}"
            self._live.add(token)
        return _ok(
            {
                "access_token": token,
                "access_token_expire_in": int(time.time()) + 7 * 86400,
                "refresh_token": self.refresh_token,
                "refresh_token_expire_in": int(time.time()) + 180 * 86400,
            }
        )

    def _search(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        since = int(body.get("update_time_ge", 0))
        # ``_v``: update_time zero-padded, kept current where it is set (the
        # log's order); the base class leaves ``_``-keys out of the reply.
        rows = self.updated_since(f"{since:012d}", "_v")
        start = int(query.get("page_token") or 0)
        page = rows[start : start + int(query.get("page_size", 20))]
        out: dict[str, Any] = {"orders": page, "total_count": len(rows)}
        if start + len(page) < len(rows):
            out["next_page_token"] = str(start + len(page))
        return out

    def _ship(self, order_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        with self.lock:
            order = self.orders.get(order_id)
            if order is None:
                return 200, {"code": 21011001, "message": "order not found"}
            if order["status"] != "AWAITING_SHIPMENT":
                return 200, {"code": 21001001, "message": "order already shipped"}
            order["status"] = "IN_TRANSIT"
            for li in order["line_items"]:
                li["tracking_number"] = body["tracking_number"]
            order["update_time"] = now = self._tick()
            order["_v"] = f"{now:012d}"
            self.log.append((f"{now:012d}", order_id))
            self.shipments[order_id].append(dict(body))
        return _ok({"package_id": f"pkg-{order_id}"})
