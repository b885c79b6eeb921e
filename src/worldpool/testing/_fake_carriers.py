"""Loopback fakes of carrier APIs (UPS and FedEx REST), with faults.

Each is a real HTTP server on 127.0.0.1 answering the documented shapes the
karrio mappings send and parse: an OAuth client-credentials token, rating,
shipment (label) creation and tracking. The fake keeps the carrier's side of
the world: the labels it sold (tracking number -> shipment reference) and the
scans of each parcel, which :meth:`FakeCarrier.scan` adds (and can repeat, as
carrier feeds do). Faults come from :class:`~worldpool.testing._fake_base.Faults`
(5xx, 429 with ``Retry-After``, replies slower than the client's timeout).
"""

from __future__ import annotations

import base64
import io
from datetime import datetime
from typing import Any, ClassVar

from worldpool.testing._fake_base import FakeChannel

__all__ = ["FakeCarrier", "FakeFedex", "FakeUps"]


def _gif() -> str:
    """A tiny label image (UPS returns GIF labels, base64)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (120, 80), 255).save(buf, format="GIF")
    return base64.b64encode(buf.getvalue()).decode()


class FakeCarrier(FakeChannel):
    """Shared state of the carrier fakes (labels sold, scans per parcel)."""

    PREFIX = "1Z"

    def __init__(self, seed: int = 0) -> None:
        super().__init__(seed)
        self.labels: dict[str, dict[str, Any]] = {}
        """Tracking number -> what was asked (reference, service, body)."""
        self.scans: dict[str, list[tuple[str, datetime, str]]] = {}
        """Tracking number -> (status code, time, city) in scan order."""
        self.tokens = 0
        self.reject_next = 0
        """The next N label requests are refused as if the address were bad."""
        self.rejected: list[str] = []

    def create_order(self, oid: str, lines: list[tuple[str, int]]) -> None:
        """Carriers have no orders."""
        raise NotImplementedError

    def new_tracking(self, reference: str, body: Any) -> str:
        """Sell one label: return its tracking number."""
        number = f"{self.PREFIX}{int(self.next_id()):014d}"
        with self.lock:
            self.labels[number] = {"reference": reference, "body": body}
            self.scans[number] = []
        return number

    def scan(self, number: str, code: str, when: datetime, city: str = "") -> None:
        """Record one scan of a parcel (a repeat is kept: feeds repeat scans)."""
        with self.lock:
            self.scans.setdefault(number, []).append((code, when, city))

    def _auth(self) -> bool:
        auth = str(self.current.headers.get("authorization", ""))
        return auth.startswith("Bearer tok-")


class FakeUps(FakeCarrier):
    """UPS: OAuth (Basic auth), Rating ``Shop``, Shipping ``ship``, Tracking details."""

    CHANNEL = "ups"
    CREDENTIALS: ClassVar[dict[str, str]] = {
        "client_id": "ups-client",
        "client_secret": "ups-secret-value",
    }
    SERVICES: ClassVar[tuple[tuple[str, str, int], ...]] = (
        ("03", "14.20", 5),
        ("02", "31.75", 2),
        ("01", "58.10", 1),
    )
    """(UPS service code, charge in USD, business days in transit)."""

    def route(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        """Answer one UPS API call."""
        if path == "/security/v1/oauth/token":
            return self._token()
        if not self._auth():
            return 401, _ups_error("250002", "Invalid Authentication Information.")
        if path.startswith("/api/rating/"):
            return 200, self._rates(body)
        if path.startswith("/api/shipments/"):
            return self._ship(body)
        if path.startswith("/api/track/v1/details/"):
            return self._track(path.rsplit("/", 1)[-1])
        return 404, _ups_error("404", "no such resource")

    def _token(self) -> tuple[int, Any]:
        expected = base64.b64encode(
            (
                f"{self.CREDENTIALS['client_id']}:{self.CREDENTIALS['client_secret']}"
            ).encode()
        ).decode()
        if self.current.headers.get("authorization") != f"Basic {expected}":
            return 401, _ups_error("10401", "ClientId is Invalid")
        self.tokens += 1
        return 200, {
            "token_type": "Bearer",
            "issued_at": str(int(datetime.now().timestamp() * 1000)),
            "client_id": self.CREDENTIALS["client_id"],
            "access_token": f"tok-{self.tokens}",
            "expires_in": "14399",
            "status": "approved",
        }

    def _rates(self, body: Any) -> dict[str, Any]:
        rated = []
        for code, charge, days in self.SERVICES:
            money = {"CurrencyCode": "USD", "MonetaryValue": charge}
            zero = {"CurrencyCode": "USD", "MonetaryValue": "0.00"}
            rated.append(
                {
                    "Service": {"Code": code, "Description": ""},
                    "BillingWeight": {
                        "UnitOfMeasurement": {"Code": "KGS"},
                        "Weight": "1.0",
                    },
                    "TransportationCharges": money,
                    "BaseServiceCharge": money,
                    "ServiceOptionsCharges": zero,
                    "TotalCharges": money,
                    "ItemizedCharges": [],
                    "TimeInTransit": {
                        "ServiceSummary": {
                            "EstimatedArrival": {"BusinessDaysInTransit": str(days)}
                        }
                    },
                }
            )
        return {
            "RateResponse": {
                "Response": {"ResponseStatus": {"Code": "1", "Description": "Success"}},
                "RatedShipment": rated,
            }
        }

    def _ship(self, body: Any) -> tuple[int, Any]:
        shipment = (body.get("ShipmentRequest") or {}).get("Shipment") or {}
        to = ((shipment.get("ShipTo") or {}).get("Address")) or {}
        refuse = self.reject_next > 0
        self.reject_next = max(0, self.reject_next - 1)
        if refuse or not to.get("PostalCode"):
            self.rejected.append("ShipTo.Address.PostalCode")
            return 400, _ups_error("120802", "Missing or invalid ship to postal code")
        ref = str(
            (body.get("ShipmentRequest") or {})
            .get("Request", {})
            .get("TransactionReference", {})
            .get("CustomerContext", "")
        )
        number = self.new_tracking(ref, body)
        return 200, {
            "ShipmentResponse": {
                "Response": {"ResponseStatus": {"Code": "1", "Description": "Success"}},
                "ShipmentResults": {
                    "ShipmentIdentificationNumber": number,
                    "PackageResults": [
                        {
                            "TrackingNumber": number,
                            "ShippingLabel": {
                                "ImageFormat": {"Code": "GIF"},
                                "GraphicImage": _gif(),
                            },
                        }
                    ],
                },
            }
        }

    def _track(self, number: str) -> tuple[int, Any]:
        with self.lock:
            scans = list(self.scans.get(number, []))
        if number not in self.scans:
            return 200, {
                "trackResponse": {
                    "shipment": [
                        {"warnings": [{"code": "TW0001", "message": "not found"}]}
                    ]
                }
            }
        activity = [
            {
                "location": {"address": {"city": city, "country": "US"}},
                "status": {
                    "type": _TYPES.get(code, ""),
                    "code": code,
                    "description": code,
                },
                "date": when.strftime("%Y%m%d"),
                "time": when.strftime("%H%M%S"),
            }
            for code, when, city in reversed(scans)
        ]
        package = {
            "trackingNumber": number,
            "deliveryDate": [],
            "activity": activity
            or [{"status": {"type": "M", "code": "MP"}, "date": "", "time": ""}],
        }
        return 200, {
            "trackResponse": {
                "shipment": [{"inquiryNumber": number, "package": [package]}]
            }
        }


_TYPES = {"KB": "D", "HX": "X"}
"""UPS status type of a scan code (delivery, exception); others go by code."""


def _ups_error(code: str, message: str) -> dict[str, Any]:
    return {"response": {"errors": [{"code": code, "message": message}]}}


def _pdf() -> str:
    """A one-page label PDF, base64 (FedEx returns ``encodedLabel`` PDFs)."""
    from fpdf import FPDF

    doc = FPDF(unit="mm", format=(100, 150))
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text="FAKE FEDEX LABEL")
    return base64.b64encode(bytes(doc.output())).decode()


class FakeFedex(FakeCarrier):
    """FedEx: OAuth (form credentials), Rate Quotes, Ship, Track by numbers."""

    CHANNEL = "fedex"
    PREFIX = "7946"
    CREDENTIALS: ClassVar[dict[str, str]] = {
        "api_key": "fedex-key",
        "secret_key": "fedex-secret-value",
    }
    SERVICES: ClassVar[tuple[tuple[str, str], ...]] = (
        ("FEDEX_GROUND", "12.60"),
        ("FEDEX_2_DAY", "27.40"),
        ("PRIORITY_OVERNIGHT", "61.90"),
    )
    """(FedEx service type, net charge in USD)."""

    def route(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        """Answer one FedEx API call."""
        if path == "/oauth/token":
            return self._token(body)
        if not self._auth():
            return 401, _fedex_error("NOT.AUTHORIZED.ERROR", "Bearer token invalid")
        if path == "/rate/v1/rates/quotes":
            return 200, self._rates()
        if path == "/ship/v1/shipments":
            return self._ship(body)
        if path == "/track/v1/trackingnumbers":
            return 200, self._track(body)
        return 404, _fedex_error("NOT.FOUND.ERROR", "no such resource")

    def _token(self, body: Any) -> tuple[int, Any]:
        ok = (
            body.get("client_id") == self.CREDENTIALS["api_key"]
            and body.get("client_secret") == (self.CREDENTIALS["secret_key"])
        )
        if not ok or body.get("grant_type") != "client_credentials":
            return 401, _fedex_error("NOT.AUTHORIZED.ERROR", "bad client credentials")
        self.tokens += 1
        return 200, {
            "access_token": f"tok-{self.tokens}",
            "token_type": "bearer",
            "expires_in": 3599,
            "scope": "CXS",
        }

    def _rates(self) -> dict[str, Any]:
        details = [
            {
                "serviceType": service,
                "serviceName": service,
                "ratedShipmentDetails": [
                    {
                        "rateType": "ACCOUNT",
                        "totalBaseCharge": float(charge),
                        "totalNetCharge": float(charge),
                        "totalDiscounts": 0.0,
                        "currency": "USD",
                        "shipmentRateDetail": {"currency": "USD"},
                    }
                ],
            }
            for service, charge in self.SERVICES
        ]
        return {"transactionId": "t1", "output": {"rateReplyDetails": details}}

    def _ship(self, body: Any) -> tuple[int, Any]:
        shipment = body.get("requestedShipment") or {}
        to = ((shipment.get("recipients") or [{}])[0].get("address")) or {}
        refuse = self.reject_next > 0
        self.reject_next = max(0, self.reject_next - 1)
        if refuse or not to.get("postalCode"):
            self.rejected.append("recipients.address.postalCode")
            return 422, _fedex_error(
                "RECIPIENTPOSTAL.ZIPCODE.REQUIRED",
                "Recipient postal code or routing code is required",
            )
        number = self.new_tracking("", body)
        doc = {"contentType": "LABEL", "docType": "PDF", "encodedLabel": _pdf()}
        result = {
            "masterTrackingNumber": number,
            "serviceType": shipment.get("serviceType", ""),
            "pieceResponses": [{"trackingNumber": number, "packageDocuments": [doc]}],
        }
        return 200, {"output": {"transactionShipments": [result]}}

    def _track(self, body: Any) -> dict[str, Any]:
        results = []
        for info in body.get("trackingInfo") or []:
            number = str((info.get("trackingNumberInfo") or {}).get("trackingNumber"))
            with self.lock:
                scans = list(self.scans.get(number, []))
            if not scans:
                results.append(
                    {
                        "trackingNumber": number,
                        "trackResults": [
                            {"error": {"code": "TRACKING.TRACKINGNUMBER.NOTFOUND"}}
                        ],
                    }
                )
                continue
            events = [
                {
                    "date": when.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                    "eventType": code,
                    "eventDescription": code,
                    "scanLocation": {"city": city, "countryCode": "US"},
                }
                for code, when, city in reversed(scans)
            ]
            latest = {"code": events[0]["eventType"], "description": ""}
            results.append(
                {
                    "trackingNumber": number,
                    "trackResults": [
                        {"latestStatusDetail": latest, "scanEvents": events}
                    ],
                }
            )
        return {"output": {"completeTrackResults": results}}


def _fedex_error(code: str, message: str) -> dict[str, Any]:
    return {"transactionId": "t1", "errors": [{"code": code, "message": message}]}
