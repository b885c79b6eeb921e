"""Sample orders in each channel's documented payload shape (pure).

Used by the demo's day of orders and the load benchmark, so both exercise the
real adapters. The shapes match the fixtures in ``tests/orders/fixtures``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from worldpool.orders.channels import shein, temu

__all__ = ["ADDRESSES", "SampleLine", "sample_payload"]

ADDRESSES = {
    "US": ("Jane Doe", "1 Main St", "Seattle", "WA", "98101", "US", "USD"),
    "CA": ("Sam Roy", "200 Bay St", "Toronto", "ON", "M5J 2J1", "CA", "CAD"),
    "UK": ("Sam Smith", "10 Baker Street", "London", "", "NW1 6XE", "GB", "GBP"),
    "DE": ("Lena Schmidt", "Unter den Linden 1", "Berlin", "", "10117", "DE", "EUR"),
    "FR": ("Marie Dubois", "5 Rue de Rivoli", "Paris", "", "75001", "FR", "EUR"),
    "IT": ("Luca Rossi", "Via Roma 1", "Milano", "MI", "20121", "IT", "EUR"),
    "ES": ("Ana Garcia", "Calle Mayor 1", "Madrid", "", "28013", "ES", "EUR"),
    "NL": ("Daan de Vries", "Damrak 1", "Amsterdam", "", "1012 LG", "NL", "EUR"),
    "JP": ("Yuki Sato", "1-1 Marunouchi", "Tokyo", "", "100-0005", "JP", "JPY"),
    "AU": ("Ava Brown", "1 George St", "Sydney", "NSW", "2000", "AU", "AUD"),
}
"""Marketplace id -> (name, street, city, region, postal code, country, currency)."""


@dataclass(frozen=True, slots=True)
class SampleLine:
    """One line of a sample order."""

    sku: str
    """Seller SKU."""
    qty: int
    """Units."""
    unit_price: Decimal
    """Price of one unit in the address's currency."""


def sample_payload(
    channel: str, order_id: str, market: str, lines: Sequence[SampleLine]
) -> Any:
    """Return one order as ``channel`` delivers it (JSON data or CSV text)."""
    name, street, city, region, postal, country, cur = ADDRESSES[market]
    addr = (name, street, city, region, postal, country)
    build = _BUILDERS[channel]
    return build(order_id, addr, cur, lines)


Addr = tuple[str, str, str, str, str, str]


def _amazon(oid: str, a: Addr, cur: str, lines: Sequence[SampleLine]) -> Any:
    total = sum((ln.unit_price * ln.qty for ln in lines), Decimal(0))
    return {
        "payload": {
            "Orders": [
                {
                    "AmazonOrderId": oid,
                    "PurchaseDate": "2026-11-21T10:00:00Z",
                    "LastUpdateDate": "2026-11-21T10:01:00Z",
                    "OrderStatus": "Unshipped",
                    "FulfillmentChannel": "MFN",
                    "OrderTotal": {"CurrencyCode": cur, "Amount": str(total)},
                    "ShipmentServiceLevelCategory": "Standard",
                    "ShippingAddress": {
                        "Name": a[0],
                        "AddressLine1": a[1],
                        "City": a[2],
                        "StateOrRegion": a[3],
                        "PostalCode": a[4],
                        "CountryCode": a[5],
                    },
                    "OrderItems": [
                        {
                            "SellerSKU": ln.sku,
                            "OrderItemId": f"{oid}-{i}",
                            "QuantityOrdered": ln.qty,
                            "ItemPrice": {
                                "CurrencyCode": cur,
                                "Amount": str(ln.unit_price * ln.qty),
                            },
                        }
                        for i, ln in enumerate(lines)
                    ],
                }
            ]
        }
    }


def _shopify(oid: str, a: Addr, cur: str, lines: Sequence[SampleLine]) -> Any:
    return {
        "id": oid,
        "currency": cur,
        "created_at": "2026-11-21T10:00:00Z",
        "cancelled_at": None,
        "fulfillment_status": None,
        "line_items": [
            {
                "id": f"{oid}{i}",
                "sku": ln.sku,
                "quantity": ln.qty,
                "price": str(ln.unit_price),
            }
            for i, ln in enumerate(lines)
        ],
        "shipping_address": {
            "name": a[0],
            "address1": a[1],
            "city": a[2],
            "province_code": a[3] or None,
            "zip": a[4],
            "country_code": a[5],
        },
        "shipping_lines": [{"code": "Standard", "title": "Standard"}],
    }


def _ebay(oid: str, a: Addr, cur: str, lines: Sequence[SampleLine]) -> Any:
    return {
        "orderId": oid,
        "creationDate": "2026-11-21T10:00:00.000Z",
        "orderFulfillmentStatus": "NOT_STARTED",
        "pricingSummary": {"total": {"value": "0", "currency": cur}},
        "cancelStatus": {"cancelState": "NONE_REQUESTED"},
        "fulfillmentStartInstructions": [
            {
                "shippingStep": {
                    "shippingServiceCode": "Standard",
                    "shipTo": {
                        "fullName": a[0],
                        "contactAddress": {
                            "addressLine1": a[1],
                            "city": a[2],
                            "stateOrProvince": a[3],
                            "postalCode": a[4],
                            "countryCode": a[5],
                        },
                    },
                }
            }
        ],
        "lineItems": [
            {
                "lineItemId": f"{oid}-{i}",
                "sku": ln.sku,
                "quantity": ln.qty,
                "lineItemCost": {"value": str(ln.unit_price * ln.qty), "currency": cur},
            }
            for i, ln in enumerate(lines)
        ],
    }


def _tiktok(oid: str, a: Addr, cur: str, lines: Sequence[SampleLine]) -> Any:
    items = [
        {
            "id": f"{oid}{i}{u}",
            "seller_sku": ln.sku,
            "sale_price": str(ln.unit_price),
            "currency": cur,
        }
        for i, ln in enumerate(lines)
        for u in range(ln.qty)
    ]
    return {
        "code": 0,
        "data": {
            "orders": [
                {
                    "id": oid,
                    "status": "AWAITING_SHIPMENT",
                    "create_time": 1763726400,
                    "payment": {"currency": cur},
                    "recipient_address": {
                        "name": a[0],
                        "address_line1": a[1],
                        "postal_code": a[4],
                        "region_code": a[5],
                        "district_info": [
                            {"address_level_name": "Country", "address_name": a[5]},
                            {"address_level_name": "State", "address_name": a[3]},
                            {"address_level_name": "City", "address_name": a[2]},
                        ],
                    },
                    "line_items": items,
                }
            ]
        },
    }


def _walmart(oid: str, a: Addr, cur: str, lines: Sequence[SampleLine]) -> Any:
    return {
        "purchaseOrderId": oid,
        "customerOrderId": f"C{oid}",
        "orderDate": 1763726400000,
        "shippingInfo": {
            "methodCode": "Standard",
            "postalAddress": {
                "name": a[0],
                "address1": a[1],
                "city": a[2],
                "state": a[3],
                "postalCode": a[4],
                "country": {"US": "USA", "CA": "CAN", "MX": "MEX"}.get(a[5], a[5]),
            },
        },
        "orderLines": {
            "orderLine": [
                {
                    "lineNumber": str(i + 1),
                    "item": {"sku": ln.sku},
                    "charges": {
                        "charge": [
                            {
                                "chargeType": "PRODUCT",
                                "chargeAmount": {
                                    "currency": cur,
                                    "amount": float(ln.unit_price * ln.qty),
                                },
                            }
                        ]
                    },
                    "orderLineQuantity": {
                        "unitOfMeasurement": "EACH",
                        "amount": str(ln.qty),
                    },
                    "orderLineStatuses": {"orderLineStatus": [{"status": "Created"}]},
                }
                for i, ln in enumerate(lines)
            ]
        },
    }


def _csv_builder(columns: dict[str, str]) -> Any:
    def _build(oid: str, a: Addr, cur: str, lines: Sequence[SampleLine]) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(columns.values()))
        writer.writeheader()
        for ln in lines:
            values = {
                "order_id": oid,
                "status": "Unshipped",
                "placed_at": "2026-11-21T10:00:00Z",
                "sku": ln.sku,
                "qty": str(ln.qty),
                "price": str(ln.unit_price),
                "currency": cur,
                "name": a[0],
                "line1": a[1],
                "line2": "",
                "city": a[2],
                "region": a[3],
                "postal_code": a[4],
                "country": a[5],
            }
            writer.writerow({columns[k]: v for k, v in values.items()})
        return out.getvalue()

    return _build


def _builders() -> dict[str, Any]:
    return {
        "amazon": _amazon,
        "shopify": _shopify,
        "ebay": _ebay,
        "tiktok_shop": _tiktok,
        "walmart": _walmart,
        "temu": _csv_builder(temu.COLUMNS),
        "shein": _csv_builder(shein.COLUMNS),
    }


_BUILDERS = _builders()
