"""Request and response models of the API edge (Create / Public variants)."""

from __future__ import annotations

import datetime as _dt
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

__all__ = [
    "LATEST_AS_OF",
    "MAX_LEAD_DAYS",
    "MAX_TWIN_SKUS",
    "AddressIn",
    "ApplyPublic",
    "AtpPublic",
    "BalancePublic",
    "DeadLetterPublic",
    "DemandRowIn",
    "ErrorPublic",
    "ForecastPublic",
    "HsPublic",
    "HsRequest",
    "ImportPublic",
    "KeyCreate",
    "KeyPublic",
    "LineIn",
    "OrderCreate",
    "OrderPublic",
    "OutcomePublic",
    "PlanCreate",
    "PlanCreated",
    "PlanSettingsIn",
    "PromisePublic",
    "ReservationPublic",
    "TermsIn",
    "TwinRequest",
]

MAX_LEAD_DAYS = 3650
"""Longest supplier lead time a plan accepts, in days (ten years)."""
LATEST_AS_OF = date(2999, 12, 31)
"""Latest plan date accepted (lead times are added to it)."""

_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
"""Input models: unknown fields and NaN/Infinity literals are 422s."""
_LeadDays = Annotated[float, Field(ge=0, le=MAX_LEAD_DAYS)]

MAX_TWIN_SKUS = 200
"""Most distinct SKUs one ``POST /twin/simulate`` request may carry."""


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


class ErrorPublic(BaseModel):
    """An error that is not about one input field (401, 403, 404, 409, 413, 503)."""

    detail: str
    type: str | None = Field(default=None, description="worldpool error class")


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


class ForecastPublic(BaseModel):
    """Demand quantiles of one (SKU, market) over a window, in units."""

    sku: str
    market: str
    horizon_start: str
    horizon_days: int
    lead_days: int
    mean: float
    quantiles: dict[str, float] = Field(description="p50 ... p99, in units")
    model: str
    segment: str
    abc: str
    source: str
    why: str


class TermsIn(BaseModel):
    """Commercial terms of a plan (see ``SupplyTerms``); per-SKU maps by SKU id."""

    model_config = _STRICT

    margin_rate: float = Field(default=1.0, ge=0, le=1000)
    margin: dict[str, Annotated[float, Field(ge=0, le=1e9)]] = Field(
        default_factory=dict
    )
    case_pack: dict[str, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)
    moq: dict[str, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    supplier_lead_days: dict[str, _LeadDays] = Field(default_factory=dict)
    default_lead_days: _LeadDays = 30.0
    local_last_mile: float = Field(default=3.0, ge=0, le=1e6)
    budget: float | None = Field(default=None, ge=0, description="None: no limit")


class PlanSettingsIn(BaseModel):
    """Planner settings to change (``PlanParams``; unset ones keep its defaults).

    Types are checked here, ranges by ``PlanParams`` itself; null is unset.
    """

    model_config = _STRICT

    review_days: int | None = None
    ffo_lost_share: float | None = None
    capital_rate_year: float | None = None
    max_service: float | None = None
    hub_service: float | None = None
    correlation: float | None = None
    launch_min_days: int | None = None
    launch_min_units: float | None = None
    min_line_units: int | None = None
    min_shipment_m3: float | None = None
    lp: bool | None = None
    lp_max_columns: int | None = None
    lp_buckets: int | None = None
    lp_time_limit_s: float | None = Field(default=None, le=600)
    chunk_pairs: int | None = None


class PlanCreate(BaseModel):
    """What to plan from: the ledger's forecast, or demand rows (a what-if)."""

    model_config = _STRICT

    demand: list[dict[str, str | float | int]] | None = Field(
        default=None,
        max_length=100_000,
        description="Rows of forecast quantiles (sku, market, horizon_days, "
        "p50 ... p99) or of daily sales (sku, market, date, units); "
        "omitted: forecast the ledger's shipped orders.",
    )
    horizon_days: int = Field(default=28, ge=1, le=365)
    demand_scale: float = Field(default=1.0, gt=0, le=100)
    hub: str | None = Field(default=None, max_length=32)
    as_of: date | None = Field(default=None, le=LATEST_AS_OF)
    seed: int = Field(default=0, ge=0)
    plan: PlanSettingsIn = Field(
        default_factory=PlanSettingsIn, description="The what-if [plan] table"
    )
    terms: TermsIn = Field(default_factory=TermsIn)
    what_if: bool = Field(default=False, description="True: return, do not store")
    limit: int = Field(default=1000, ge=0, le=100_000, description="Lines returned")


class PlanCreated(BaseModel):
    """A plan just made: its id, whether it was stored, and its lines."""

    id: str
    status: str
    stored: bool
    summary: str
    plan: dict[str, Any]


class ApplyPublic(BaseModel):
    """What applying a plan wrote to the ledger."""

    plan_id: str
    posted: int
    duplicates: int
    rejected: list[str]
    already_applied: bool


class HsRequest(BaseModel):
    """A product to classify."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=500)
    description: str = Field(default="", max_length=5000)
    attributes: dict[str, str] = Field(default_factory=dict, max_length=50)
    k: int = Field(default=3, ge=1, le=20, description="Suggestions wanted")


class HsPublic(BaseModel):
    """One suggested 6-digit HS code."""

    code: str
    confidence: float
    description: str
    heading: str
    reason: str


class HsAnswerPublic(BaseModel):
    """A calibrated HS answer: confident, or abstaining with the deciding question."""

    suggestions: list[HsPublic]
    probability: float = Field(description="Calibrated P(top code right, 6 digits)")
    confident: bool
    question: str = Field(description="Question that decides (request language)")
    question_key: str


class HsCorrectionIn(BaseModel):
    """The code a seller or broker confirmed for a product."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5000)
    code: str = Field(min_length=6, max_length=14)


class HsCorrectionPublic(BaseModel):
    """A stored correction (it counts from the next suggestion)."""

    text: str
    hs6: str
    previous: str
    examples: int


class DemandRowIn(BaseModel):
    """Units sold of one SKU in one market on one day."""

    model_config = _STRICT

    date: _dt.date = Field(ge=_dt.date(1900, 1, 1), le=_dt.date(2200, 12, 31))
    sku: str = Field(min_length=1, max_length=64)
    market: str = Field(min_length=1, max_length=64)
    units: float = Field(ge=0, le=1e7)


class TwinRequest(BaseModel):
    """A small demand history and the policies to compare on it."""

    model_config = _STRICT

    warmup_days: int = Field(default=91, ge=14, le=365)
    demand: list[DemandRowIn] = Field(min_length=1, max_length=200_000)
    policies: list[Literal["split", "pool", "echelon", "ffo", "oracle"]] = Field(
        default=["split", "pool", "ffo"], min_length=1, max_length=5
    )
    seed: int = Field(default=0, ge=0)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    fx_rate: float | None = Field(
        default=None,
        gt=0,
        description="Price currency per USD (default: the FX table's rate)",
    )
    stores_as: str | None = Field(default=None, max_length=8)
    iterations: int = Field(default=6, ge=1, le=10, description="Tuning steps")

    @field_validator("demand")
    @classmethod
    def _small_enough(
        cls, rows: list[DemandRowIn], info: ValidationInfo
    ) -> list[DemandRowIn]:
        skus = len({r.sku for r in rows})
        if skus > MAX_TWIN_SKUS:
            raise ValueError(f"at most {MAX_TWIN_SKUS} SKUs per request, got {skus}")
        days = (max(r.date for r in rows) - min(r.date for r in rows)).days + 1
        warmup = int(info.data.get("warmup_days", 91))
        if days < warmup + 28:
            raise ValueError(
                f"needs at least warmup_days + 28 = {warmup + 28} days, got {days}"
            )
        return rows
