"""Fake eBay Sell APIs on loopback (see :mod:`fake_channels`)."""

from __future__ import annotations

import base64
import json
from typing import Any, ClassVar

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from worldpool.testing._fake_base import FAST_LIMITS, FakeChannel, _stamp

__all__ = ["FakeEbay"]

_ORDERS = "/sell/fulfillment/v1/order"


def _ms() -> str:
    """Now with millisecond precision, as eBay writes its dates."""
    return _stamp()[:23] + "Z"


class FakeEbay(FakeChannel):
    """Fake eBay: OAuth refresh grant, getOrders, shipping fulfillments, bulk quantity.

    Checks the Basic credentials of the token call and the Bearer token of
    every other call (401 otherwise), and signs notifications with an ECDSA
    key whose public half :attr:`public_pem` serves as ``getPublicKey``.
    """

    CHANNEL = "ebay"
    CREDENTIALS: ClassVar[dict[str, str]] = {
        "client_id": "ebay-app",
        "client_secret": "ebay-cert",
        "refresh_token": "v^1.1#refresh",
    }
    SETTINGS: ClassVar[dict[str, Any]] = {
        "token_url": "/identity/v1/oauth2/token",
        # This fake allows more than eBay's documented daily quotas (100,000
        # Fulfillment calls a day is 1.15/s); webhooks are not signed up.
        "rate_limits": FAST_LIMITS,
    }

    def __init__(self, seed: int = 0, **kw: Any) -> None:
        super().__init__(seed, **kw)
        self.client = (self.CREDENTIALS["client_id"], self.CREDENTIALS["client_secret"])
        self.tokens_issued = 0
        self._live: set[str] = set()
        self._key = ec.generate_private_key(ec.SECP256R1())
        self.kid = "kid-1"
        self.public_pem = (
            self._key.public_key()
            .public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo,
            )
            .decode()
        )

    def revoke_tokens(self) -> None:
        """Invalidate every issued access token (as a rotation or revocation does)."""
        with self.lock:
            self._live.clear()

    def create_order(self, oid: str, lines: list[tuple[str, int]]) -> None:
        """Store an order as ``getOrders`` returns it."""
        eid = f"{int(oid) % 100:02d}-{int(oid):05d}-{int(oid) * 7 % 100000:05d}"
        order = {
            "orderId": eid,
            "creationDate": "",
            "lastModifiedDate": "",
            "orderFulfillmentStatus": "NOT_STARTED",
            "cancelStatus": {"cancelState": "NONE_REQUESTED", "cancelRequests": []},
            "pricingSummary": {"total": {"value": "0", "currency": self.currency}},
            "fulfillmentStartInstructions": [
                {
                    "shippingStep": {
                        "shippingServiceCode": "USPSPriority",
                        "shipTo": {
                            "fullName": "Ada Shopper",
                            "contactAddress": {
                                "addressLine1": "1 Main St",
                                "city": "Springfield",
                                "stateOrProvince": "IL",
                                "postalCode": "12345",
                                "countryCode": self.country,
                            },
                        },
                    }
                }
            ],
            "lineItems": [
                {
                    "lineItemId": f"{oid}{i}",
                    "sku": sku,
                    "quantity": qty,
                    "lineItemCost": {
                        "value": f"{10 * qty}.00",
                        "currency": self.currency,
                    },
                }
                for i, (sku, qty) in enumerate(lines)
            ],
            "_fulfillments": [],
        }
        with self.lock:
            order["creationDate"] = order["lastModifiedDate"] = now = _ms()
            self.orders[eid] = order
            self.log.append((now, eid))

    def sell(self, sku: str, qty: int) -> str | None:
        """A shopper buys; returns the eBay order id."""
        oid = super().sell(sku, qty)
        if oid is None:
            return None
        return f"{int(oid) % 100:02d}-{int(oid):05d}-{int(oid) * 7 % 100000:05d}"

    def notification(
        self, order_id: str, event_id: str
    ) -> tuple[dict[str, str], bytes]:
        """Return (headers, body) of a signed order notification."""
        body = json.dumps(
            {
                "metadata": {"topic": "ORDER_CONFIRMATION", "schemaVersion": "1.0"},
                "notification": {
                    "notificationId": event_id,
                    "eventDate": _ms(),
                    "publishAttemptCount": 1,
                    "data": {"orderId": order_id},
                },
            }
        ).encode()
        sig = self._key.sign(body, ec.ECDSA(hashes.SHA1()))
        header = {
            "alg": "ECDSA",
            "kid": self.kid,
            "signature": base64.b64encode(sig).decode(),
            "digest": "SHA1",
        }
        value = base64.b64encode(json.dumps(header).encode()).decode()
        return {"X-EBAY-SIGNATURE": value}, body

    def route(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        """Dispatch one eBay request."""
        if path == "/identity/v1/oauth2/token":
            return self._token(body)
        auth = self.current.headers.get("authorization", "")
        if auth.removeprefix("Bearer ") not in self._live:
            return 401, {"errors": [{"errorId": 1001, "message": "Invalid token"}]}
        if path == _ORDERS:
            return 200, self._orders(query)
        if path.endswith("/shipping_fulfillment"):
            return self._fulfil(method, path.split("/")[-2], body)
        if path == "/sell/inventory/v1/bulk_update_price_quantity":
            out = []
            for r in body["requests"]:
                if self.refused(r["sku"]):
                    out.append(
                        {
                            "statusCode": 400,
                            "sku": r["sku"],
                            "errors": [{"errorId": 25002, "message": "injected"}],
                        }
                    )
                    continue
                self.set_level(
                    r["sku"], int(r["shipToLocationAvailability"]["quantity"])
                )
                out.append({"statusCode": 200, "sku": r["sku"], "offerId": "1"})
            return 200, {"responses": out}
        return 404, {"errors": [{"errorId": 2002, "message": "not found"}]}

    def _token(self, body: dict[str, Any]) -> tuple[int, Any]:
        want = base64.b64encode(":".join(self.client).encode()).decode()
        if self.current.headers.get("authorization") != f"Basic {want}" or (
            body.get("grant_type") != "refresh_token"
        ):
            return 401, {"error": "invalid_client"}
        with self.lock:
            self.tokens_issued += 1
            token = f"v^1.1#{self.tokens_issued}"
            self._live.add(token)
        return 200, {
            "access_token": token,
            "expires_in": 7200,
            "token_type": "User Access Token",
        }

    def _orders(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("orderIds"):
            with self.lock:
                rows = [
                    self.orders[i]
                    for i in query["orderIds"].split(",")
                    if i in self.orders
                ]
            rows = [{k: v for k, v in o.items() if not k.startswith("_")} for o in rows]
            return {"orders": rows, "total": len(rows)}
        window = query.get("filter", "").split("[", 1)[-1].rstrip("]")
        since, _, until = window.partition("..")
        rows = [
            o
            for o in self.updated_since(since, "lastModifiedDate")
            if not until or o["lastModifiedDate"] <= until
        ]
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 50))
        page = rows[offset : offset + limit]
        out: dict[str, Any] = {
            "total": len(rows),
            "limit": limit,
            "offset": offset,
            "orders": page,
        }
        if offset + len(page) < len(rows):
            out["next"] = f"{_ORDERS}?offset={offset + len(page)}&limit={limit}"
        return out

    def _fulfil(self, method: str, eid: str, body: Any) -> tuple[int, Any]:
        with self.lock:
            order = self.orders.get(eid)
            if order is None:
                return 404, {"errors": [{"errorId": 32100, "message": "no order"}]}
            if method == "GET":
                done = list(order["_fulfillments"])
                return 200, {"fulfillments": done, "total": len(done)}
            record = {
                "fulfillmentId": body["trackingNumber"],
                "shipmentTrackingNumber": body["trackingNumber"],
                "shippingCarrierCode": body["shippingCarrierCode"],
                "lineItems": body["lineItems"],
            }
            order["_fulfillments"].append(record)
            order["orderFulfillmentStatus"] = "FULFILLED"
            order["lastModifiedDate"] = now = _ms()
            self.log.append((now, eid))
            self.shipments[eid].append(dict(body))
        return 201, None
