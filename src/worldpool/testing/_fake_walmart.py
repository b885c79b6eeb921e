"""Fake Walmart Marketplace API v3 on loopback (see :mod:`fake_channels`)."""

from __future__ import annotations

import base64
import json
import time
from datetime import datetime
from typing import Any, ClassVar

from worldpool.connectors.providers.walmart import webhook_signature
from worldpool.testing._fake_base import FAST_LIMITS, FakeChannel

__all__ = ["FakeWalmart"]

_HEADERS = ("wm_svc.name", "wm_qos.correlation_id")


class FakeWalmart(FakeChannel):
    """Fake Walmart: token, orders with ``nextCursor``, acknowledge, ship, inventory.

    Refuses (400) a call without ``WM_SVC.NAME`` / ``WM_QOS.CORRELATION_ID``,
    401 without a live ``WM_SEC.ACCESS_TOKEN``, and shipping lines that were
    not acknowledged first, as Walmart does.
    """

    CHANNEL = "walmart"
    CREDENTIALS: ClassVar[dict[str, str]] = {
        "client_id": "wm-client",
        "client_secret": "wm-secret",
        "webhook_secret": "wm-hook-secret",
    }
    SETTINGS: ClassVar[dict[str, Any]] = {"rate_limits": FAST_LIMITS}

    def __init__(self, seed: int = 0, **kw: Any) -> None:
        super().__init__(seed, **kw)
        self.client = (self.CREDENTIALS["client_id"], self.CREDENTIALS["client_secret"])
        self.webhook_secret = self.CREDENTIALS["webhook_secret"]
        self.tokens_issued = 0
        self.feeds = 0
        self._live: set[str] = set()
        self._ms = 0

    def _tick(self) -> int:
        self._ms = max(self._ms + 1, int(time.time() * 1000))
        return self._ms

    def revoke_tokens(self) -> None:
        """Invalidate every issued access token (as a rotation or revocation does)."""
        with self.lock:
            self._live.clear()

    def create_order(self, oid: str, lines: list[tuple[str, int]]) -> None:
        """Store a purchase order as ``Get all orders`` returns it."""
        po = f"10{int(oid):011d}"
        order: dict[str, Any] = {
            "purchaseOrderId": po,
            "customerOrderId": f"C{oid}",
            "orderDate": 0,
            "shippingInfo": {
                "methodCode": "Standard",
                "postalAddress": {
                    "name": "Ada Shopper",
                    "address1": "1 Main St",
                    "city": "Springfield",
                    "state": "IL",
                    "postalCode": "12345",
                    "country": "USA",
                },
            },
            "orderLines": {
                "orderLine": [
                    {
                        "lineNumber": str(i + 1),
                        "item": {"sku": sku, "productName": sku},
                        "orderLineQuantity": {
                            "unitOfMeasurement": "EACH",
                            "amount": str(qty),
                        },
                        "charges": {
                            "charge": [
                                {
                                    "chargeType": "PRODUCT",
                                    "chargeAmount": {
                                        "currency": self.currency,
                                        "amount": 10 * qty,
                                    },
                                }
                            ]
                        },
                        "orderLineStatuses": {
                            "orderLineStatus": [
                                {
                                    "status": "Created",
                                    "statusQuantity": {"amount": str(qty)},
                                }
                            ]
                        },
                    }
                    for i, (sku, qty) in enumerate(lines)
                ]
            },
        }
        with self.lock:
            now = self._tick()
            order["orderDate"] = now
            self._stamp_lines(order, now)
            self.orders[po] = order
            self.log.append((f"{now:015d}", po))

    @staticmethod
    def _stamp_lines(order: dict[str, Any], now: int) -> None:
        order["_v"] = f"{now:015d}"
        for line in order["orderLines"]["orderLine"]:
            line["orderLineStatuses"]["orderLineStatus"][-1]["statusDate"] = now

    def sell(self, sku: str, qty: int) -> str | None:
        """A shopper buys; returns the purchase order id."""
        oid = super().sell(sku, qty)
        return None if oid is None else f"10{int(oid):011d}"

    def webhook(
        self, po: str, event_id: str, path: str
    ) -> tuple[dict[str, str], bytes]:
        """Return (headers, body) of a signed PO_CREATED notification to ``path``."""
        body = json.dumps(
            {
                "source": {"eventType": "PO_CREATED", "eventId": event_id},
                "payload": {"purchaseOrderId": po},
            }
        ).encode()
        stamp = str(int(time.time() * 1000))
        sig = webhook_signature(self.webhook_secret, "POST", path, stamp, body)
        return {"WM_SEC.SIGNATURE": sig, "WM_SEC.TIMESTAMP": stamp}, body

    def route(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        """Dispatch one Marketplace API request."""
        h = self.current.headers
        if any(not h.get(k) for k in _HEADERS):
            return 400, {"errors": [{"code": "INVALID_REQUEST_HEADER.GMP_GATEWAY_API"}]}
        if path == "/v3/token":
            return self._token(body)
        if h.get("wm_sec.access_token") not in self._live:
            return 401, {"errors": [{"code": "UNAUTHORIZED.GMP_GATEWAY_API"}]}
        parts = path.strip("/").split("/")
        if path == "/v3/orders":
            return 200, self._list(query)
        if path == "/v3/inventory":
            self.set_level(query["sku"], int(body["quantity"]["amount"]))
            return 200, {"sku": query["sku"], "quantity": body["quantity"]}
        if path == "/v3/feeds":
            for row in body["Inventory"]:
                self.set_level(row["sku"], int(row["quantity"]["amount"]))
            self.feeds += 1
            return 200, {"feedId": f"F{self.feeds}"}
        if len(parts) == 3 and method == "GET":
            with self.lock:
                order = self.orders.get(parts[2])
                clean = {
                    k: v for k, v in (order or {}).items() if not k.startswith("_")
                }
            return (
                (200, {"order": json.loads(json.dumps(clean))}) if order else (404, {})
            )
        return self._update(parts[2], parts[3], body)

    def _token(self, body: dict[str, Any]) -> tuple[int, Any]:
        want = base64.b64encode(":".join(self.client).encode()).decode()
        if self.current.headers.get("authorization") != f"Basic {want}" or (
            body.get("grant_type") != "client_credentials"
        ):
            return 401, {"error": "invalid_client"}
        with self.lock:
            self.tokens_issued += 1
            token = f"eyJ{self.tokens_issued}"
            self._live.add(token)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 900}

    def _list(self, query: dict[str, str]) -> dict[str, Any]:
        start = query.get("lastModifiedStartDate", "1970-01-01T00:00:00.000Z")
        since = int(
            datetime.fromisoformat(start.replace("Z", "+00:00")).timestamp() * 1000
        )
        rows = self.updated_since(f"{since:015d}", "_v")
        offset = int(query.get("poIndex", 0))
        limit = int(query.get("limit", 100))
        page = rows[offset : offset + limit]
        meta: dict[str, Any] = {"totalCount": len(rows), "limit": limit}
        if offset + len(page) < len(rows):
            meta["nextCursor"] = (
                f"?limit={limit}&hasMoreElements=true&poIndex={offset + len(page)}"
                f"&lastModifiedStartDate={start}"
            )
        return {"list": {"meta": meta, "elements": {"order": page}}}

    def _update(self, po: str, action: str, body: Any) -> tuple[int, Any]:
        with self.lock:
            order = self.orders.get(po)
            if order is None:
                return 404, {"errors": [{"code": "NOT_FOUND"}]}
            lines = order["orderLines"]["orderLine"]
            current = {
                ln["orderLineStatuses"]["orderLineStatus"][-1]["status"] for ln in lines
            }
            if action == "acknowledge":
                new = "Acknowledged"
            elif current != {"Acknowledged"}:
                return 400, {
                    "errors": [{"code": "INVALID_REQUEST", "info": str(current)}]
                }
            else:
                new = "Shipped"
                self.shipments[po].append(dict(body["orderShipment"]))
            for ln in lines:
                ln["orderLineStatuses"]["orderLineStatus"][-1]["status"] = new
            now = self._tick()
            self._stamp_lines(order, now)
            self.log.append((f"{now:015d}", po))
            clean = {k: v for k, v in order.items() if not k.startswith("_")}
        return 200, {"order": json.loads(json.dumps(clean))}
