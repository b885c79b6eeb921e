"""A :class:`~worldpool.logistics.carriers.CarrierClient` backed by karrio.

karrio maps generic requests to each carrier's API and parses the replies;
:mod:`worldpool.connectors.carrier_http` sends them (timeouts, retries,
``Retry-After``). Carriers: UPS and FedEx (``pip install worldpool[carriers]``
installs karrio with both plugins). The account's settings give the shipper
address (``shipper``: postal_code, country_code, city, address_line1, ...),
the account number and the label format; credentials come unsealed from the
carrier account and live only in memory.

Errors are :class:`CarrierError`: they name the carrier account, the shipment
and the field the carrier complained about, never a credential.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from random import Random
from typing import Any

from worldpool.connectors._http import HttpClient
from worldpool.connectors.errors import ChannelError, ProviderRejected
from worldpool.errors import InputError
from worldpool.logistics.carriers import CarrierLabel, CarrierRate, RateAsk
from worldpool.logistics.events import BizStep, TrackingEvent

__all__ = ["CARRIERS", "CarrierError", "CarrierRefused", "KarrioCarrier", "biz_step_of"]

CARRIERS = ("fedex", "ups")
"""Carriers with a karrio connector here (routes in ``carrier_http.APIS``)."""

# karrio's normalised tracking statuses -> the EPCIS business step they reach.
# Parcel milestones: handed over (picked up), moving, at the destination
# depot / out for delivery, held (customs, on hold), delivered.
_STEPS: dict[str, tuple[BizStep, str]] = {
    "picked_up": (BizStep.SHIPPING, "in_transit"),
    "pending": (BizStep.SHIPPING, "in_transit"),
    "in_transit": (BizStep.DEPARTING, "in_transit"),
    "ready_for_pickup": (BizStep.ARRIVING, "in_transit"),
    "out_for_delivery": (BizStep.ARRIVING, "in_transit"),
    "on_hold": (BizStep.CUSTOMS, "in_progress"),
    "delivery_delayed": (BizStep.CUSTOMS, "in_progress"),
    "delivered": (BizStep.RECEIVING, "in_progress"),
}


class CarrierError(ChannelError):
    """A carrier call failed (transient: worth retrying later)."""


class CarrierRefused(CarrierError, ProviderRejected):
    """The carrier refused the request (retrying the same request will not help)."""


def biz_step_of(status: str | None) -> tuple[BizStep, str] | None:
    """Return (business step, disposition) of a karrio tracking status, or None."""
    return _STEPS.get(str(status or ""))


def _karrio() -> Any:
    try:
        import karrio.sdk as sdk
        from loguru import logger
    except ImportError as exc:  # pragma: no cover - the extra is missing
        raise CarrierError(
            "carrier connectors need karrio: pip install 'worldpool[carriers]'"
        ) from exc
    # karrio logs every request at INFO; worldpool keeps its own counters.
    logger.disable("karrio")
    return sdk


class KarrioCarrier:
    """One carrier account, through karrio.

    Args:
        account: Account name (``carrier:<account>`` is its outbox destination).
        carrier: ``ups`` or ``fedex``.
        base_url: The carrier's API root (a loopback fake in tests).
        credentials: Unsealed credentials (UPS: client_id, client_secret;
            FedEx: api_key, secret_key).
        settings: ``shipper`` address, ``account_number``, ``timeout_s``.
        rng: Random source of the retry jitter.
    """

    def __init__(
        self,
        account: str,
        carrier: str,
        base_url: str,
        credentials: Mapping[str, Any],
        settings: Mapping[str, Any],
        *,
        rng: Random | None = None,
    ) -> None:
        if carrier not in CARRIERS:
            raise CarrierError(f"carrier account {account}: unknown carrier {carrier}")
        self.name = carrier.upper()
        self.account = account
        self.carrier = carrier
        self.settings = dict(settings)
        self.http = HttpClient(
            base_url,
            name=f"carrier {account}",
            timeout_s=float(settings.get("timeout_s", 10.0)),
            max_retries=int(settings.get("max_retries", 6)),
            rng=rng,
            cap_s=float(settings.get("cap_s", 5.0)),
        )
        sdk = _karrio()
        from worldpool.connectors.carrier_http import APIS, KarrioProxy

        values = {
            **{k: str(v) for k, v in credentials.items()},
            "carrier_id": account,
            "account_number": str(settings.get("account_number", "")),
            "test_mode": bool(settings.get("test_mode", False)),
        }
        if carrier == "fedex":
            values.setdefault("track_api_key", values.get("api_key", ""))
            values.setdefault("track_secret_key", values.get("secret_key", ""))
        self._sdk = sdk
        self._gateway = sdk.gateway[carrier].create(values)
        self._gateway.proxy = KarrioProxy(
            self._gateway.settings, APIS[carrier], self.http, credentials
        )

    def close(self) -> None:
        """Close the pooled HTTP connections."""
        self.http.close()

    # -- requests -------------------------------------------------------------
    def _shipper(self) -> dict[str, Any]:
        base = {"postal_code": "", "city": "", "address_line1": "-"}
        return {**base, **dict(self.settings.get("shipper") or {})}

    def _parties(self, ask: RateAsk) -> dict[str, Any]:
        from karrio.core.models import Address, Parcel

        recipient = Address(
            country_code=ask.destination_country,
            postal_code=ask.destination_postcode,
            city=ask.city or None,
            address_line1=ask.street or "-",
            person_name=ask.name or None,
        )
        shipper = Address(**{**self._shipper(), "country_code": ask.origin_country})
        parcels = []
        for p in ask.pieces:
            side = max(float(p.volume_m3), 1e-6) ** (1 / 3) * 100
            parcels.append(
                Parcel(
                    weight=float(p.weight_kg),
                    weight_unit="KG",
                    dimension_unit="CM",
                    length=round(side, 1),
                    width=round(side, 1),
                    height=round(side, 1),
                )
            )
        return {"shipper": shipper, "recipient": recipient, "parcels": parcels}

    def _fail(self, what: str, ref: str, messages: Sequence[Any]) -> CarrierError:
        """The carrier answered but gave nothing usable: its first message, named."""
        first = messages[0] if messages else None
        code = getattr(first, "code", None) or "-"
        text = getattr(first, "message", None) or "no usable reply"
        return CarrierRefused(
            f"carrier account {self.account} ({self.carrier}) {what} for {ref}: "
            f"{self.carrier} error {code}: {text}"
        )

    def _run(self, what: str, ref: str, kind: str, payload: Any) -> Any:
        """Map ``payload`` with karrio, send it, parse the reply: (result, messages).

        karrio's fluent API turns every exception into a message; called step
        by step, transport failures stay exceptions (retryable) and only the
        carrier's own answers become messages.
        """
        mapper, proxy = self._gateway.mapper, self._gateway.proxy
        create, send, parse = _STAGES[kind]
        try:
            request = getattr(mapper, create)(payload)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise CarrierRefused(
                f"carrier account {self.account} {what} for {ref}: "
                f"the request cannot be built: {type(exc).__name__}"
            ) from None
        try:
            return getattr(mapper, parse)(getattr(proxy, send)(request))
        except ProviderRejected as exc:
            raise CarrierRefused(
                f"carrier account {self.account} {what} for {ref}: {exc}",
                status=exc.status,
            ) from None
        except ChannelError as exc:
            raise CarrierError(
                f"carrier account {self.account} {what} for {ref}: {exc}",
                status=exc.status,
            ) from None

    # -- CarrierClient -----------------------------------------------------------
    def rates(self, ask: RateAsk) -> Sequence[CarrierRate]:
        """Return the carrier's services and prices for ``ask`` (in its currency)."""
        from karrio.core.models import RateRequest

        req = RateRequest(**self._parties(ask))
        ref = f"rate {ask.origin_country}->{ask.destination_country}"
        found, messages = self._run("rating", ref, "rate", req)
        if not found:
            raise self._fail("rating", ref, messages)
        return [
            CarrierRate(
                self.name,
                str(r.service),
                Decimal(str(r.total_charge)),
                str(r.currency or "USD"),
                float(r.transit_days) if r.transit_days is not None else None,
            )
            for r in found
        ]

    def buy_label(self, shipment_id: str, service: str, ask: RateAsk) -> CarrierLabel:
        """Buy a label for ``shipment_id`` on ``service``: tracking number, PDF."""
        import base64

        from karrio.core.models import Payment, ShipmentRequest

        req = ShipmentRequest(
            service=service,
            reference=shipment_id,
            label_type="PDF",
            payment=Payment(
                paid_by="sender",
                account_number=str(self.settings.get("account_number", "")) or None,
            ),
            **self._parties(ask),
        )
        ref = f"shipment {shipment_id}"
        for name, value in (
            ("to.postcode", ask.destination_postcode),
            ("to.country", ask.destination_country),
            ("to.street", ask.street),
        ):
            if not value.strip():
                raise InputError(
                    "a label needs the delivery address",
                    record=ref,
                    field=name,
                )
        done, messages = self._run("label", ref, "ship", req)
        if done is None or not done.tracking_number:
            raise self._fail("label", ref, messages)
        label = (done.docs.label if done.docs is not None else None) or ""
        return CarrierLabel(str(done.tracking_number), base64.b64decode(label or b""))

    def track(self, tracking_numbers: Sequence[str]) -> Sequence[TrackingEvent]:
        """Return carrier events as tracking events (``shipment`` = tracking number).

        The caller maps tracking numbers to shipment ids. Event ids hash the
        carrier, number, status and time, so a repeated feed repeats ids.
        """
        from karrio.core.models import TrackingRequest

        if not tracking_numbers:
            return []
        req = TrackingRequest(tracking_numbers=list(tracking_numbers))
        ref = f"tracking {len(tracking_numbers)} numbers"
        found, _messages = self._run("tracking", ref, "track", req)
        out = []
        for details in found or []:
            for ev in details.events or []:
                step = biz_step_of(ev.status)
                when = _when(ev)
                if step is None or when is None:
                    continue
                number = details.tracking_number
                key = f"{self.carrier}|{number}|{ev.code}|{step[0]}|{when.isoformat()}"
                out.append(
                    TrackingEvent(
                        "carrier-" + hashlib.sha256(key.encode()).hexdigest()[:32],
                        str(details.tracking_number),
                        step[0],
                        when,
                        str(ev.location or "")[:64],
                        step[1],
                    )
                )
        return out


_STAGES = {
    "rate": ("create_rate_request", "get_rates", "parse_rate_response"),
    "ship": ("create_shipment_request", "create_shipment", "parse_shipment_response"),
    "track": ("create_tracking_request", "get_tracking", "parse_tracking_response"),
}
"""karrio's mapper/proxy method names per call: (map request, send, parse reply)."""


def _when(ev: Any) -> datetime | None:
    raw = ev.timestamp or (f"{ev.date}T{ev.time or '00:00'}" if ev.date else None)
    if not raw:
        return None
    try:
        t = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)
