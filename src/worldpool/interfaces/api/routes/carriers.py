"""``/carriers``: carrier accounts (karrio), live rates, labels through the outbox."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from worldpool.connectors import carrier_accounts as accounts
from worldpool.connectors import carrier_service
from worldpool.interfaces.api.deps import AdminCtx, ReadCtx, WriteCtx
from worldpool.interfaces.api.errors import AUTH, NOT_FOUND, not_found

__all__ = ["router"]

router = APIRouter(prefix="/carriers", tags=["carriers"], responses=AUTH)


class AccountCreate(BaseModel):
    """A carrier account (credentials are stored encrypted, never returned)."""

    name: str = Field(min_length=1, max_length=64)
    carrier: str = Field(description="ups or fedex")
    base_url: str = Field(min_length=1)
    credentials: dict[str, str]
    settings: dict[str, Any] = Field(default_factory=dict)


class AddressIn(BaseModel):
    """Where a parcel goes."""

    country: str = Field(min_length=2, max_length=2)
    postcode: str = Field(min_length=1, max_length=16)
    city: str = ""
    street: str = ""
    name: str = ""


class RatesIn(BaseModel):
    """A stored shipment to rate, and where it goes."""

    shipment: str
    to: AddressIn


class LabelIn(BaseModel):
    """Buy a label for a shipment (queued; the sync worker buys it)."""

    shipment: str
    service: str = Field(min_length=1, max_length=64)
    to: AddressIn
    order: str | None = Field(None, description="channel:order id the parcel serves")


def _to(a: AddressIn) -> accounts.Recipient:
    return accounts.Recipient(a.country, a.postcode, a.city, a.street, a.name)


def _public(info: accounts.CarrierAccountInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "carrier": info.carrier,
        "base_url": info.base_url,
        "credentials": info.credentials,
        "last_error": info.last_error,
    }


@router.get("")
async def list_accounts(ctx: ReadCtx) -> list[dict[str, Any]]:
    """List carrier accounts (credential names only, values masked)."""
    return [
        _public(i) for i in await run_in_threadpool(accounts.list_carrier_accounts, ctx)
    ]


@router.post("", status_code=201)
async def add_account(body: AccountCreate, ctx: AdminCtx) -> dict[str, Any]:
    """Add a carrier account."""
    req = accounts.CarrierAccountRequest(
        body.name, body.carrier, body.base_url, body.credentials, body.settings
    )
    return _public(await run_in_threadpool(accounts.add_carrier_account, ctx, req))


@router.post("/{account}/rates", responses=NOT_FOUND)
async def rates(account: str, body: RatesIn, ctx: ReadCtx) -> list[dict[str, Any]]:
    """Ask the carrier now for its services and prices for a stored shipment."""
    with not_found():
        found = await run_in_threadpool(
            accounts.live_rates, ctx, account, body.shipment, _to(body.to)
        )
    return [
        {
            "service": r.service,
            "amount": str(r.amount),
            "currency": r.currency,
            "transit_days": r.transit_days,
        }
        for r in found
    ]


@router.post("/{account}/labels", status_code=202, responses=NOT_FOUND)
async def label(account: str, body: LabelIn, ctx: WriteCtx) -> dict[str, Any]:
    """Queue a label purchase (the worker buys it and books the shipment)."""
    req = carrier_service.LabelRequest(
        body.shipment, account, body.service, _to(body.to), body.order
    )
    with not_found():
        new = await run_in_threadpool(carrier_service.request_label, ctx, req)
    return {"shipment": body.shipment, "queued": new}
