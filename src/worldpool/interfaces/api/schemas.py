"""Request and response models of the API edge (Create / Public variants)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AddressIn",
    "AtpPublic",
    "BalancePublic",
    "DeadLetterPublic",
    "ImportPublic",
    "KeyCreate",
    "KeyPublic",
    "LineIn",
    "OrderCreate",
    "OrderPublic",
    "OutcomePublic",
    "PromisePublic",
    "ReservationPublic",
]


class AddressIn(BaseModel):
    """Ship-to address of a normalised order."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=200)
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field(default="", max_length=200)
    city: str = Field(min_length=1, max_length=100)
    region: str = Field(default="", max_length=100)
    postal_code: str = Field(default="", max_length=20)
    country: str = Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")


class LineIn(BaseModel):
    """One line of a normalised order."""

    model_config = ConfigDict(extra="forbid")

    line_id: str = Field(min_length=1, max_length=64)
    sku: str = Field(min_length=1, max_length=64)
    qty: int = Field(gt=0, le=100_000, description="Units ordered")
    unit_price: str = Field(pattern=r"^\d+(\.\d+)?$", description="Decimal amount")


class OrderCreate(BaseModel):
    """A normalised order, as worldpool's own JSON."""

    model_config = ConfigDict(extra="forbid")

    channel: str = Field(min_length=1, max_length=32)
    channel_order_id: str = Field(min_length=1, max_length=128)
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217")
    service_level: str = Field(
        default="standard", pattern=r"^(economy|standard|expedited|next_day)$"
    )
    placed_at: datetime | None = None
    cancelled: bool = False
    ship_to: AddressIn
    lines: list[LineIn] = Field(min_length=1, max_length=500)


class OutcomePublic(BaseModel):
    """What one submitted order did."""

    key: str
    action: str
    status: str
    decision: dict[str, Any] | None = None


class ImportPublic(BaseModel):
    """Outcome of importing one channel document."""

    created: int
    updated: int
    cancelled: int
    duplicates: int
    rejected: list[dict[str, Any]]
    orders: list[OutcomePublic]


class OrderPublic(BaseModel):
    """A stored order with its routing decision."""

    channel: str
    channel_order_id: str
    market: str
    status: str
    revision: int
    currency: str
    order_value: str
    backordered: int
    order: dict[str, Any]
    decision: dict[str, Any]


class BalancePublic(BaseModel):
    """Stock of one SKU at one node, in units."""

    sku: str
    node: str
    on_hand: int
    reserved: int
    available: int
    in_transit: int


class AtpPublic(BaseModel):
    """Available-to-promise of one SKU in one marketplace."""

    sku: str
    market: str
    total: int
    sources: list[dict[str, Any]]


class PromisePublic(BaseModel):
    """Checkout delivery promise for one unit."""

    sku: str
    market: str
    node: str | None
    p50_days: float
    p90_days: float
    earliest: str | None
    latest: str | None
    text: str
    why: str


class ReservationPublic(BaseModel):
    """Units an order holds at a node."""

    reference: str
    sku: str
    node: str
    qty: int


class DeadLetterPublic(BaseModel):
    """A rejected record, with its id for re-drive."""

    id: int
    source: str
    kind: str
    row: int | None
    field: str | None
    error: str
    payload: dict[str, str]


class KeyCreate(BaseModel):
    """A new API key request."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    scope: str = Field(pattern=r"^(read|write|admin)$")


class KeyPublic(BaseModel):
    """A created API key (the plain key is shown only here, once)."""

    name: str
    scope: str
    key: str
