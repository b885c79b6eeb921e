"""Records of the fee book (one frozen dataclass per data file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = [
    "AdditionalDuty",
    "Elasticity",
    "FulfilmentFee",
    "Incentive",
    "ReferralFee",
    "ReturnRate",
    "StorageFee",
]


@dataclass(frozen=True, slots=True)
class ReferralFee:
    """A referral (commission) tier of a channel in a market."""

    id: str
    """Row id (one per tier)."""
    channel: str
    """Channel id (``amazon``, ``amazon_haul`` ...)."""
    market: str
    """Marketplace id, customs zone or ``*``."""
    category: str
    """Product category or ``*``."""
    max_price: Decimal
    """Highest price the tier covers, in ``currency`` (0: no limit)."""
    basis: str
    """``total`` (rate on the whole price) or ``portion`` (on the part in the tier)."""
    rate: Decimal
    """Fee as a fraction of the price."""
    minimum: Decimal
    """Per-item minimum fee, in ``currency``."""
    currency: str
    """ISO 4217 code of the amounts."""
    source: str
    """Where the figure comes from ("editable default" when unverified)."""
    effective_date: date
    """First day the row applies."""


@dataclass(frozen=True, slots=True)
class FulfilmentFee:
    """A fulfilment fee band (FBA, WFS, 3PL) by weight and volume."""

    id: str
    """Row id."""
    programme: str
    """``FBA``, ``WFS`` or ``3PL``."""
    market: str
    """Marketplace id, zone or ``*``."""
    tier: str
    """Size tier name."""
    max_weight_kg: Decimal
    """Heaviest shipping weight in the band, kg."""
    max_volume_m3: Decimal
    """Largest unit volume in the band, m3."""
    fee: Decimal
    """Fee per unit, in ``currency``."""
    per_kg_above: Decimal
    """Extra fee per kg above ``base_weight_kg``."""
    base_weight_kg: Decimal
    """Weight the flat fee covers, kg."""
    currency: str
    """ISO 4217 code of the amounts."""
    source: str
    """Where the figure comes from ("editable default" when unverified)."""
    effective_date: date
    """First day the row applies."""


@dataclass(frozen=True, slots=True)
class StorageFee:
    """A monthly storage rate or an aged-stock surcharge."""

    id: str
    """Row id."""
    programme: str
    """``FBA``, ``WFS``, ``3PL`` or ``origin``."""
    market: str
    """Marketplace id, zone or ``*``."""
    kind: str
    """``monthly`` or ``aged`` (surcharge on top)."""
    months: tuple[int, ...]
    """Calendar months the rate applies in (empty: all)."""
    min_age_days: int
    """Aged surcharge applies from this stock age, days."""
    rate_m3_month: Decimal
    """Rate per m3 per month, in ``currency``."""
    currency: str
    """ISO 4217 code of the rate."""
    source: str
    """Where the figure comes from ("editable default" when unverified)."""
    effective_date: date
    """First day the row applies."""


@dataclass(frozen=True, slots=True)
class AdditionalDuty:
    """An additional ad valorem duty on goods of an origin (Section 301 ...)."""

    id: str
    """Measure id (later rows of the id change or end it)."""
    destination: str
    """Marketplace id or zone (``US``)."""
    origin: str
    """ISO country of origin, or ``*``."""
    hs_prefixes: tuple[str, ...]
    """HS code prefixes covered, or ``*``."""
    rate: Decimal
    """Rate as a fraction of the customs value (0 ends the measure)."""
    measure: str
    """Legal name of the measure."""
    source: str
    """Where the figure comes from ("editable default" when unverified)."""
    effective_date: date
    """First day the row applies."""


@dataclass(frozen=True, slots=True)
class Incentive:
    """A rebate, fee cut, B2B quantity discount or low-price cap."""

    id: str
    """Row id."""
    channel: str
    """Channel id."""
    market: str
    """Marketplace id, zone or ``*``."""
    kind: str
    """``rebate``, ``referral_cut``, ``b2b_discount`` or ``low_price_cap``."""
    rate: Decimal
    """Rebate, cut or discount as a fraction."""
    min_qty: int
    """Units per order from which a B2B discount applies."""
    months: int
    """Months after launch the incentive lasts (0: open-ended)."""
    cap: Decimal
    """Cap in ``currency`` (price cap for ``low_price_cap``; 0: none)."""
    currency: str
    """ISO 4217 code of ``cap``."""
    source: str
    """Where the figure comes from ("editable default" when unverified)."""
    effective_date: date
    """First day the row applies."""


@dataclass(frozen=True, slots=True)
class Elasticity:
    """A documented default price elasticity for a category."""

    id: str
    """Row id."""
    category: str
    """Category or ``*``."""
    elasticity: Decimal
    """Own-price elasticity (negative). [e]"""
    std_error: Decimal
    """Its uncertainty (one standard error)."""
    source: str
    """Where the figure comes from ("editable default" when unverified)."""
    effective_date: date
    """First day the row applies."""


@dataclass(frozen=True, slots=True)
class ReturnRate:
    """Returns expected for a category in a market."""

    id: str
    """Row id."""
    category: str
    """Category or ``*``."""
    market: str
    """Marketplace id, zone or ``*``."""
    return_rate: Decimal
    """Share of units returned."""
    recovery: Decimal
    """Share of the net price recovered on a returned unit."""
    processing_fee: Decimal
    """Fee per return, in ``currency``."""
    currency: str
    """ISO 4217 code of the fee."""
    source: str
    """Where the figure comes from ("editable default" when unverified)."""
    effective_date: date
    """First day the row applies."""
