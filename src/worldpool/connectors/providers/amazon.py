"""Amazon Selling Partner API: LWA tokens, Orders v0, listings quantity, MCF.

* Auth: Login with Amazon ``POST /auth/o2/token`` (``grant_type=refresh_token``,
  ``client_id``, ``client_secret``) gives an ``access_token`` for
  ``expires_in`` seconds, sent as ``x-amz-access-token``; it is refreshed a
  minute before it ends.
* Orders: Orders API 2026-01-01 ``searchOrders`` (``GET
  /orders/2026-01-01/orders``: ``marketplaceIds``, ``lastUpdatedAfter``,
  ``includedData=RECIPIENT,FULFILLMENT``, then ``paginationToken`` from
  ``pagination.nextToken``). Its orders carry their items, so there is no
  ``getOrderItems`` call per order; :mod:`worldpool.orders.channels.amazon`
  parses them.
* Stock (merchant-fulfilled offers): up to 5 SKUs by Listings Items ``PATCH
  /listings/2021-08-01/items/{sellerId}/{sku}`` replacing
  ``/attributes/fulfillment_availability`` (``fulfillment_channel_code``
  ``DEFAULT``, ``quantity``); more in one ``JSON_LISTINGS_FEED`` (Feeds API
  2021-06-30: ``createFeedDocument``, upload to its ``url``, ``createFeed``).
  SP-API has no compare-and-set: for a scarce level (at most ``check_below``
  units, default 50) that carries ``expected``, the offer's quantity is read
  first (``searchListingsItems`` by SKU, 20 a call, with
  ``includedData=fulfillmentAvailability``) and
  the SKU is reported stale when the channel shows another number (it sold
  units not ingested yet). A check just before the set, not an atomic one.
* Tracking: ``POST /orders/v0/orders/{id}/shipmentConfirmation``; Amazon
  answers 400 for an order already confirmed, taken here as done.
* Multi-Channel Fulfillment: ``POST /fba/outbound/2020-07-01/fulfillmentOrders``
  with ``sellerFulfillmentOrderId`` (Amazon's own idempotency key).
* Limits: per-operation rate and burst (defaults below, from the SP-API usage
  plans; a connection's ``rate_limits`` setting overrides them).

References:
    developer-docs.amazon.com/sp-api: "Connecting to the Selling Partner API"
    (LWA), Orders API 2026-01-01 (``orders_2026-01-01.json``) and v0
    ``confirmShipment``, Listings Items 2021-08-01, Feeds 2021-06-30, Fulfillment
    Outbound API 2020-07-01, "Usage Plans and Rate Limits".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from worldpool.connectors.errors import ProviderRejected
from worldpool.connectors.provider import Http, OrderPage, ShipmentPush, StockPush
from worldpool.connectors.providers._common import TokenCache

__all__ = ["CHANNEL", "LIMITS", "Amazon"]

CHANNEL = "amazon"
_PATCH_MAX = 5

LIMITS: dict[str, tuple[float, float]] = {
    "searchOrders": (0.0056, 20.0),
    "patchListingsItem": (5.0, 5.0),
    "getListingsItem": (5.0, 10.0),
    "searchListingsItems": (5.0, 5.0),
    "createFeedDocument": (0.5, 15.0),
    "createFeed": (0.0083, 15.0),
    "confirmShipment": (2.0, 10.0),
    "createFulfillmentOrder": (2.0, 30.0),
    "getMarketplaceParticipations": (0.016, 15.0),
}
"""(rate per second, burst) per SP-API operation, from the documented usage plans."""


def _availability(quantity: int) -> dict[str, Any]:
    return {
        "op": "replace",
        "path": "/attributes/fulfillment_availability",
        "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}],
    }


class Amazon:
    """One Amazon seller account in one marketplace.

    Args:
        settings: ``marketplace_id``, ``seller_id``, optional ``token_url``.
        credentials: ``refresh_token``, ``client_id``, ``client_secret``.
        http: The retrying client pointed at the regional SP-API endpoint.
    """

    CHANNEL = CHANNEL
    COMPARE_AND_SET = True
    """Scarce levels are checked against ``expected`` (read, then set)."""

    def __init__(
        self, settings: Mapping[str, Any], credentials: Mapping[str, Any], http: Http
    ) -> None:
        self.http = http
        self.marketplace = str(settings.get("marketplace_id", ""))
        self.seller_id = str(settings.get("seller_id", ""))
        self.token_url = str(
            settings.get("token_url", "https://api.amazon.com/auth/o2/token")
        )
        self._check_below = int(settings.get("check_below", 50))
        self._creds = dict(credentials)
        self.tokens = TokenCache(self._lwa_token)

    def _lwa_token(self) -> tuple[str, float]:
        """Exchange the LWA refresh token for an access token (its life in s)."""
        reply = self.http.call(
            "lwaToken",
            "POST",
            self.token_url,
            data={
                "grant_type": "refresh_token",
                "refresh_token": str(self._creds.get("refresh_token", "")),
                "client_id": str(self._creds.get("client_id", "")),
                "client_secret": str(self._creds.get("client_secret", "")),
            },
        )
        body = reply.body if isinstance(reply.body, dict) else {}
        return str(body.get("access_token", "")), float(body.get("expires_in", 3600))

    def _access_token(self) -> str:
        return self.tokens.get()

    def _call(self, op: str, method: str, path: str, **kw: Any) -> Any:
        headers = {"x-amz-access-token": self._access_token()}
        return self.http.call(op, method, path, headers=headers, **kw).body

    def test(self) -> str:
        """Return the account's marketplaces (``getMarketplaceParticipations``)."""
        body = self._call(
            "getMarketplaceParticipations",
            "GET",
            "/sellers/v1/marketplaceParticipations",
        )
        names = [
            str((p.get("marketplace") or {}).get("id", ""))
            for p in (body.get("payload") or [])
        ]
        return ", ".join(names) or "no marketplaces"

    def fetch_orders(self, cursor: str | None) -> OrderPage:
        """Return one ``searchOrders`` page (items, recipient and status inline)."""
        state = json.loads(cursor) if cursor else {}
        since = state.get("since") or "1970-01-01T00:00:00Z"
        params: dict[str, Any] = {
            "marketplaceIds": self.marketplace,
            "lastUpdatedAfter": since,
            "includedData": "RECIPIENT,FULFILLMENT",
            "maxResultsPerPage": 100,
        }
        if state.get("next"):
            params["paginationToken"] = state["next"]
        body = self._call(
            "searchOrders", "GET", "/orders/2026-01-01/orders", params=params
        )
        body = body if isinstance(body, dict) else {}
        records = tuple(
            (dict(o), str(o.get("lastUpdatedTime") or ""))
            for o in body.get("orders") or []
        )
        newest = max([v for _, v in records if v] or [since])
        nxt = (body.get("pagination") or {}).get("nextToken")
        # Paging keeps the same lastUpdatedAfter (the token needs it); after the
        # last page the next search starts at the newest update seen (inclusive:
        # repeats are no-ops downstream).
        state = {"since": since if nxt else newest, "next": nxt}
        return OrderPage(records, json.dumps(state, sort_keys=True), bool(nxt))

    def push_stock(self, levels: Sequence[StockPush]) -> frozenset[str]:
        """Set each SKU's merchant-fulfilled quantity; return the stale SKUs.

        Scarce levels with ``expected`` are checked first (see the module).
        Up to 5 SKUs go one ``patchListingsItem`` each; more go in one
        ``JSON_LISTINGS_FEED`` (three calls whatever the count).
        """
        check = [
            lv
            for lv in levels
            if lv.expected is not None
            and min(lv.expected, lv.level) <= self._check_below
        ]
        shown = self._shown([lv.sku for lv in check])
        stale = frozenset(
            lv.sku for lv in check if lv.sku in shown and shown[lv.sku] != lv.expected
        )
        self._set([lv for lv in levels if lv.sku not in stale])
        return stale

    def _shown(self, skus: Sequence[str]) -> dict[str, int]:
        """Return the DEFAULT quantity each offer shows, 20 SKUs per search.

        ``searchListingsItems`` (``identifiersType=SKU``); a SKU with a comma
        cannot go in a comma-separated search and is read alone
        (``getListingsItem``).
        """
        items: list[Any] = []
        plain = [s for s in skus if "," not in s]
        for i in range(0, len(plain), 20):
            body = self._call(
                "searchListingsItems",
                "GET",
                f"/listings/2021-08-01/items/{self.seller_id}",
                params={
                    "marketplaceIds": self.marketplace,
                    "identifiers": ",".join(plain[i : i + 20]),
                    "identifiersType": "SKU",
                    "includedData": "fulfillmentAvailability",
                    "pageSize": 20,
                },
            )
            items += body.get("items") or [] if isinstance(body, dict) else []
        for sku in (s for s in skus if "," in s):
            items.append(
                self._call(
                    "getListingsItem",
                    "GET",
                    f"/listings/2021-08-01/items/{self.seller_id}/{sku}",
                    params={
                        "marketplaceIds": self.marketplace,
                        "includedData": "fulfillmentAvailability",
                    },
                )
            )
        out: dict[str, int] = {}
        for item in items:
            for a in (item or {}).get("fulfillmentAvailability") or []:
                if a.get("fulfillmentChannelCode") == "DEFAULT":
                    out[str(item.get("sku"))] = int(a.get("quantity") or 0)
        return out

    def _set(self, levels: Sequence[StockPush]) -> None:
        if not levels:
            return
        if len(levels) <= _PATCH_MAX:
            for lv in levels:
                self._patch(lv)
            return
        doc = self._call(
            "createFeedDocument",
            "POST",
            "/feeds/2021-06-30/documents",
            json={"contentType": "application/json; charset=UTF-8"},
        )
        self.http.call(
            "uploadFeedDocument", "PUT", str(doc["url"]), json=self._feed(levels)
        )
        self._call(
            "createFeed",
            "POST",
            "/feeds/2021-06-30/feeds",
            json={
                "feedType": "JSON_LISTINGS_FEED",
                "marketplaceIds": [self.marketplace],
                "inputFeedDocumentId": doc["feedDocumentId"],
            },
        )

    def _feed(self, levels: Sequence[StockPush]) -> dict[str, Any]:
        return {
            "header": {
                "sellerId": self.seller_id,
                "version": "2.0",
                "issueLocale": "en_US",
            },
            "messages": [
                {
                    "messageId": i + 1,
                    "sku": lv.sku,
                    "operationType": "PATCH",
                    "productType": "PRODUCT",
                    "patches": [_availability(lv.level)],
                }
                for i, lv in enumerate(levels)
            ],
        }

    def _patch(self, lv: StockPush) -> None:
        body = self._call(
            "patchListingsItem",
            "PATCH",
            f"/listings/2021-08-01/items/{self.seller_id}/{lv.sku}",
            params={"marketplaceIds": self.marketplace},
            json={"productType": "PRODUCT", "patches": [_availability(lv.level)]},
        )
        if isinstance(body, dict) and body.get("status") == "INVALID":
            issue = (body.get("issues") or [{}])[0]
            raise ProviderRejected(
                f"amazon patchListingsItem {lv.sku}: {issue.get('code', '')}"
            )

    def push_shipment(self, shipment: ShipmentPush) -> None:
        """Confirm a merchant-fulfilled shipment with carrier and tracking."""
        try:
            self._call(
                "confirmShipment",
                "POST",
                f"/orders/v0/orders/{shipment.channel_order_id}/shipmentConfirmation",
                json={
                    "marketplaceId": shipment.extra.get(
                        "MarketplaceId", self.marketplace
                    ),
                    "packageDetail": {
                        "packageReferenceId": "1",
                        "carrierCode": shipment.carrier,
                        "trackingNumber": shipment.tracking_number,
                        "shipDate": shipment.shipped_at.isoformat().replace(
                            "+00:00", "Z"
                        ),
                        "orderItems": [
                            {"orderItemId": line, "quantity": qty}
                            for line, _sku, qty in shipment.lines
                        ],
                    },
                },
            )
        except ProviderRejected as exc:
            # "already shipped" comes back as 400: the confirmation is there.
            if exc.status != 400 or "Shipped" not in str(exc):
                raise

    def create_fulfillment_order(
        self, order_id: str, order: Mapping[str, Any], speed: str = "Standard"
    ) -> None:
        """Ask Amazon to ship ``order`` (normalised order dict) from FBA stock (MCF).

        ``sellerFulfillmentOrderId`` is the order id, so a repeat is refused by
        Amazon as a duplicate rather than shipped twice.
        """
        addr = order.get("ship_to") or {}
        self._call(
            "createFulfillmentOrder",
            "POST",
            "/fba/outbound/2020-07-01/fulfillmentOrders",
            json={
                "marketplaceId": self.marketplace,
                "sellerFulfillmentOrderId": order_id[:40],
                "displayableOrderId": order_id[:40],
                "displayableOrderDate": order.get("placed_at"),
                "displayableOrderComment": "Thank you for your order",
                "shippingSpeedCategory": speed,
                "destinationAddress": {
                    "name": addr.get("name", ""),
                    "addressLine1": addr.get("line1", ""),
                    "city": addr.get("city", ""),
                    "stateOrRegion": addr.get("region", ""),
                    "postalCode": addr.get("postal_code", ""),
                    "countryCode": addr.get("country", ""),
                },
                "items": [
                    {
                        "sellerSku": ln["sku"],
                        "sellerFulfillmentOrderItemId": ln["line_id"],
                        "quantity": ln["qty"],
                    }
                    for ln in order.get("lines") or []
                ],
            },
        )
