"""karrio's carrier mappings over worldpool's HTTP client (retries, Retry-After).

karrio (the multi-carrier SDK, ``carriers`` extra) turns a generic rate,
shipment or tracking request into each carrier's documented JSON and parses
the carrier's reply back. Its own proxies send with ``urllib`` and no timeout
or retry, so worldpool swaps in :class:`KarrioProxy`: the same requests, sent
through :class:`~worldpool.connectors._http.HttpClient` (timeouts, retries on
429/5xx with the server's ``Retry-After``, jittered backoff), with the OAuth
token fetched once and kept until it expires. The routes per carrier are
:data:`APIS` (paths as in UPS's and FedEx's developer documentation).
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import karrio.api.proxy as karrio_proxy
import karrio.lib as lib

from worldpool.connectors._http import HttpClient
from worldpool.connectors.errors import ProviderRejected

__all__ = ["APIS", "CarrierApi", "KarrioProxy"]


@dataclass(frozen=True, slots=True)
class CarrierApi:
    """Where a carrier's REST API takes each call (paths under its API root)."""

    token_path: str
    """OAuth 2 client-credentials token endpoint."""
    token_form: Callable[[Mapping[str, Any]], dict[str, str]]
    """Form fields of the token request, from the credentials."""
    basic_auth: tuple[str, str] | None
    """Credential names sent as HTTP Basic auth to the token endpoint."""
    rates: str
    """Rating endpoint (POST)."""
    ship: str
    """Shipment/label endpoint (POST)."""
    track: str
    """Tracking endpoint: POST with every number, or GET per number (``{n}``)."""


def _ups_form(_c: Mapping[str, Any]) -> dict[str, str]:
    return {"grant_type": "client_credentials"}


def _fedex_form(c: Mapping[str, Any]) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": str(c.get("api_key", "")),
        "client_secret": str(c.get("secret_key", "")),
    }


APIS: dict[str, CarrierApi] = {
    # developer.ups.com: OAuth Client Credentials, Rating v2409, Shipping v2409,
    # Tracking v1.
    "ups": CarrierApi(
        "/security/v1/oauth/token",
        _ups_form,
        ("client_id", "client_secret"),
        "/api/rating/v2409/Shop?additionalinfo=timeintransit",
        "/api/shipments/v2409/ship",
        "/api/track/v1/details/{n}",
    ),
    # developer.fedex.com: OAuth, Rate Quotes v1, Ship v1, Track v1.
    "fedex": CarrierApi(
        "/oauth/token",
        _fedex_form,
        None,
        "/rate/v1/rates/quotes",
        "/ship/v1/shipments",
        "/track/v1/trackingnumbers",
    ),
}


class KarrioProxy(karrio_proxy.Proxy):  # type: ignore[misc]
    """A karrio proxy that sends through :class:`HttpClient`.

    Args:
        settings: The karrio settings of the carrier (its mapper uses them too).
        api: The carrier's routes.
        http: The HTTP client (API root = the carrier's, or a loopback fake).
        credentials: The unsealed credentials (kept in memory only).
    """

    def __init__(
        self,
        settings: Any,
        api: CarrierApi,
        http: HttpClient,
        credentials: Mapping[str, Any],
    ) -> None:
        super().__init__(settings)
        self._api = api
        self._http = http
        self._creds = dict(credentials)
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    # -- auth ---------------------------------------------------------------
    def token(self) -> str:
        """Return a valid OAuth access token, fetching one when needed."""
        with self._lock:
            if self._token is not None and self._token[1] > time.monotonic():
                return self._token[0]
            auth = None
            if self._api.basic_auth is not None:
                user, password = self._api.basic_auth
                auth = (
                    str(self._creds.get(user, "")),
                    str(self._creds.get(password, "")),
                )
            headers = {}
            if auth is not None:
                pair = f"{auth[0]}:{auth[1]}".encode()
                headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
            reply = self._http.call(
                "token",
                "POST",
                self._api.token_path,
                data=self._api.token_form(self._creds),
                headers=headers,
            )
            body = reply.body if isinstance(reply.body, dict) else {}
            life = float(body.get("expires_in") or 3600)
            self._token = (
                str(body.get("access_token", "")),
                time.monotonic() + life * 0.9,
            )
            return self._token[0]

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token()}",
            "Content-Type": "application/json",
            "x-locale": "en_US",
        }

    def _post(self, op: str, path: str, body: Any) -> Any:
        """POST; a refusal's error body goes back to karrio, which parses it."""
        payload = lib.to_dict(body) if isinstance(body, str) else body
        try:
            return self._http.call(
                op, "POST", path, json=payload, headers=self._headers()
            ).body
        except ProviderRejected as exc:
            if isinstance(exc.body, dict):
                return exc.body
            raise

    # -- karrio's proxy interface ---------------------------------------------
    def get_rates(self, request: Any) -> Any:
        """Send a rate request; return karrio's deserializable reply."""
        body = self._post("rates", self._api.rates, request.serialize())
        return lib.Deserializable(body, _same, request.ctx)

    def create_shipment(self, request: Any) -> Any:
        """Send a shipment (label) request; return karrio's deserializable reply."""
        body = self._post("ship", self._api.ship, request.serialize())
        return lib.Deserializable(body, _same, request.ctx)

    def get_tracking(self, request: Any) -> Any:
        """Fetch tracking: one POST with every number, or one GET per number."""
        numbers = request.serialize()
        if "{n}" not in self._api.track:
            return lib.Deserializable(
                self._post("track", self._api.track, numbers), _same
            )
        out = []
        for n in numbers:
            path = self._api.track.format(n=n)
            reply = self._http.call("track", "GET", path, headers=self._headers())
            if isinstance(reply.body, dict):
                out.append((n, reply.body))
        return lib.Deserializable(out, _same)


def _same(value: Any) -> Any:
    return value
