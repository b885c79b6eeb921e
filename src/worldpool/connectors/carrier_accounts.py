"""Carrier accounts: stored with sealed credentials, opened as karrio clients.

A seller adds an account per carrier API (``worldpool carriers add``); its
credentials are sealed with Fernet (:mod:`worldpool.connectors.secrets`), as
channel credentials are, and never shown, logged or audited: listings show the
credential names only. Live rates are a read (no outbox): they ask the
carrier now and answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from worldpool.audit import audit_on
from worldpool.connectors.carrier_karrio import CARRIERS, KarrioCarrier
from worldpool.connectors.secrets import mask, seal, unseal
from worldpool.context import Context
from worldpool.errors import InputError, UnknownReference
from worldpool.ledger.carrier_tables import (
    get_carrier_account_on,
    insert_carrier_account_on,
    list_carrier_accounts_on,
)
from worldpool.ledger.logistics_tables import cartons_on, get_shipment_on
from worldpool.logistics.carriers import CarrierRate, RateAsk
from worldpool.logistics.ratecard import Piece

__all__ = [
    "CarrierAccountInfo",
    "CarrierAccountRequest",
    "Recipient",
    "account_names",
    "account_row",
    "add_carrier_account",
    "ask_for",
    "list_carrier_accounts",
    "live_rates",
    "open_carrier",
]


@dataclass(frozen=True, slots=True)
class CarrierAccountRequest:
    """A seller's account with a carrier API."""

    name: str
    """Account name (unique per seller)."""
    carrier: str
    """``ups`` or ``fedex``."""
    base_url: str
    """The carrier's API root (its sandbox, production, or a loopback fake)."""
    credentials: Mapping[str, str]
    """UPS: client_id, client_secret; FedEx: api_key, secret_key (sealed at rest)."""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """``shipper`` address, ``account_number``, ``timeout_s``, ``max_retries``."""


@dataclass(frozen=True, slots=True)
class CarrierAccountInfo:
    """An account as shown: credentials masked."""

    name: str
    """Account name."""
    carrier: str
    """Carrier."""
    base_url: str
    """API root."""
    credentials: dict[str, str]
    """Credential names, values hidden."""
    last_error: str | None
    """The last failed call, if any."""


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where a parcel goes (what a label needs)."""

    country: str
    """ISO country code."""
    postcode: str
    """Postal code."""
    city: str = ""
    """City."""
    street: str = ""
    """Street line."""
    name: str = ""
    """Recipient's name."""


def _info(row: Mapping[str, Any], key: str | None) -> CarrierAccountInfo:
    names = mask(unseal(str(row["secret"]), key))
    return CarrierAccountInfo(
        str(row["name"]),
        str(row["carrier"]),
        str(row["base_url"]),
        names,
        row.get("last_error"),
    )


def add_carrier_account(
    ctx: Context, request: CarrierAccountRequest
) -> CarrierAccountInfo:
    """Store an account with its credentials sealed; return it masked.

    Raises:
        UnknownReference: no connector for the carrier.
        InputError: the name is taken.
        ConfigError: no ``WORLDPOOL_SECRET_KEY``.
    """
    ctx.require("owner")
    if request.carrier not in CARRIERS:
        raise UnknownReference(
            f"no carrier connector; available: {', '.join(CARRIERS)}",
            record=f"carrier account {request.name}",
            field="carrier",
            value=request.carrier,
        )
    values = {
        "seller": ctx.seller,
        "name": request.name,
        "carrier": request.carrier,
        "base_url": request.base_url,
        "settings": dict(request.settings),
        "secret": seal(dict(request.credentials), ctx.settings.secret_key),
        "created_at": datetime.now(UTC),
    }
    try:
        with ctx.engine.begin() as conn:
            insert_carrier_account_on(conn, values)
            audit_on(
                conn,
                ctx,
                "carriers.add",
                target=request.name,
                inputs={
                    "carrier": request.carrier,
                    "credentials": mask(dict(request.credentials)),
                },
            )
    except IntegrityError:
        raise InputError(
            "a carrier account with this name exists",
            record="carrier account",
            field="name",
            value=request.name,
        ) from None
    return _info(values, ctx.settings.secret_key)


def list_carrier_accounts(ctx: Context) -> list[CarrierAccountInfo]:
    """Return the seller's carrier accounts, credentials masked."""
    with ctx.engine.connect() as conn:
        rows = list_carrier_accounts_on(conn, ctx.seller)
    return [_info(r, ctx.settings.secret_key) for r in rows]


def account_names(ctx: Context) -> list[str]:
    """Return the names of the seller's carrier accounts."""
    with ctx.engine.connect() as conn:
        return [str(r["name"]) for r in list_carrier_accounts_on(conn, ctx.seller)]


def account_row(ctx: Context, name: str) -> dict[str, Any]:
    """Return the stored account (sealed secret included).

    Raises:
        UnknownReference: no such account.
    """
    with ctx.engine.connect() as conn:
        row = get_carrier_account_on(conn, ctx.seller, name)
    if row is None:
        raise UnknownReference(
            "no such carrier account", record="carrier account", value=name
        )
    return row


def open_carrier(ctx: Context, name: str) -> KarrioCarrier:
    """Return a live client of the account (credentials unsealed in memory)."""
    row = account_row(ctx, name)
    creds = unseal(str(row["secret"]), ctx.settings.secret_key)
    return KarrioCarrier(
        name, str(row["carrier"]), str(row["base_url"]), creds, row["settings"]
    )


def ask_for(ctx: Context, shipment_id: str, to: Recipient) -> RateAsk:
    """Return what a carrier is asked for a stored shipment: its cartons, to ``to``.

    Raises:
        UnknownReference: no such shipment.
    """
    with ctx.engine.connect() as conn:
        row = get_shipment_on(conn, ctx.seller, shipment_id)
        cartons = cartons_on(conn, ctx.seller, shipment_id) if row else []
    if row is None:
        raise UnknownReference("no such shipment", record="shipment", value=shipment_id)
    node = ctx.catalog.nodes.get(str(row["origin"]))
    origin = node.country if node is not None else "US"
    pieces = tuple(
        Piece(Decimal(str(c["weight_kg"])), Decimal(str(c["volume_m3"])))
        for c in cartons
    )
    return RateAsk(origin, to.country, to.postcode, pieces, to.city, to.street, to.name)


def live_rates(
    ctx: Context, account: str, shipment_id: str, to: Recipient
) -> list[CarrierRate]:
    """Ask the carrier now for its services and prices for a stored shipment."""
    ask = ask_for(ctx, shipment_id, to)
    client = open_carrier(ctx, account)
    try:
        return sorted(client.rates(ask), key=lambda r: r.amount)
    finally:
        client.close()
