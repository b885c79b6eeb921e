"""One-step expansion: what it takes to launch a SKU in a new market.

Per market: the compliance checklist (customs restricted-goods rules from
:mod:`worldpool.customs`, point-of-sale tax schemes, product registrations
from ``profit/data/registrations.csv``), the logistics options from the
catalog lanes (parcel from the origin hub, or stock sent to the market's FC by
sea, air or express, with cost per unit and P50/P90 days) and a launch plan:
serve from origin first while demand is small or unproven, seed local stock
when expected demand covers a consignment.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from worldpool.catalog import Catalog, in_effect
from worldpool.customs._restricted import matches
from worldpool.customs.rules import CustomsRules, applies
from worldpool.customs.shipment import ShipmentLine
from worldpool.domain.network import Lane, Mode
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError
from worldpool.i18n import t
from worldpool.profit._csv import read_table, split_cell

__all__ = [
    "ChecklistItem",
    "ExpandParams",
    "LaunchPlan",
    "LogisticsOption",
    "Registration",
    "checklist",
    "launch_plan",
    "load_registrations",
    "logistics_options",
]


@dataclass(frozen=True, slots=True)
class Registration:
    """A registration, mark or document a market requires of some products."""

    id: str
    """Row id."""
    destinations: tuple[str, ...]
    """Marketplace ids or zones."""
    match: tuple[str, ...]
    """Selectors, any of which matches: ``*``, ``battery:any|TYPE`` or
    ``hs:PREFIX;PREFIX`` (space-separated in the file)."""
    what: str
    """``registration``, ``mark`` or ``document``."""
    message: str
    """What to do."""
    source: str
    """Where the requirement comes from."""
    effective_date: date
    """First day it applies."""


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One thing to have before launching."""

    kind: str
    """``document``, ``mark``, ``registration``, ``tax``, ``un_number``, ``blocked``."""
    text: str
    """What to do."""
    modes: tuple[str, ...]
    """Transport modes it concerns (``*``: all)."""
    severity: str
    """``error`` (must have) or ``warning``."""
    source: str
    """Rule id and source."""


@dataclass(frozen=True, slots=True)
class LogisticsOption:
    """One way to get the SKU to the market's shoppers."""

    lane: str
    """Lane id."""
    mode: str
    """``parcel`` (from origin) or ``sea``/``air``/``express`` (to the FC)."""
    cost_per_unit: Decimal
    """Freight per unit, in ``currency``."""
    currency: str
    """ISO 4217 code of the cost."""
    p50_days: float
    """Median transit days."""
    p90_days: float
    """90th percentile transit days."""
    blocked: bool = False
    """True when a compliance rule forbids the SKU on this mode."""


@dataclass(frozen=True, slots=True)
class ExpandParams:
    """When to seed stock rather than serve from origin."""

    seed_min_units: float = 30.0
    """Expected units per month from which local stock pays off."""
    cover_months: float = 2.0
    """Months of expected demand the seed consignment covers."""
    batch_units: int = 100
    """Units per consignment used for freight per unit."""


@dataclass(frozen=True, slots=True)
class LaunchPlan:
    """How to start selling in the market."""

    strategy: str
    """``serve_from_origin`` or ``seed_stock``."""
    seed_units: int
    """Units to send to the market's FC (0 when serving from origin)."""
    lane: str
    """Lane of the first shipments."""
    why: str
    """The reason, in the reader's language."""


def load_registrations(
    as_of: date, overrides: Sequence[Path] = ()
) -> tuple[Registration, ...]:
    """Return the registration rows in force on ``as_of`` (packaged + overrides)."""
    rows = [
        Registration(
            r["id"],
            split_cell(r["destinations"]),
            tuple(r["match"].split()),
            r["what"],
            r["message"],
            r["source"],
            d,
        )
        for _, _, r, d in read_table("registrations.csv", overrides)
    ]
    return tuple(in_effect(rows, as_of).values())


def _selects(selector: str, sku: SkuRecord) -> bool:
    kind, _, pattern = selector.partition(":")
    if selector == "*":
        return True
    if kind == "battery":
        return sku.battery.value != "none" and pattern in ("any", sku.battery.value)
    digits = "".join(ch for ch in sku.hs_code or "" if ch.isdigit())
    prefixes = tuple(p for p in pattern.split(";") if p)
    return kind == "hs" and bool(digits) and digits.startswith(prefixes)


def _restriction_items(
    sku: SkuRecord, keys: tuple[str, ...], modes: Sequence[str], rules: CustomsRules
) -> list[ChecklistItem]:
    line = ShipmentLine(
        sku.sku,
        description=sku.title,
        hs_code=sku.hs_code or "",
        battery=sku.battery.value,
    )
    items = []
    for rule in rules.restrictions:
        hit = [m for m in modes if applies(rule.modes, m)]
        if not (hit and applies(rule.destinations, *keys) and matches(rule, line)):
            continue
        kind, _, wanted = rule.requires.partition(":")
        kind = {"forbidden": "blocked"}.get(kind, kind)
        text = rule.message if not wanted else f"{wanted}: {rule.message}"
        items.append(
            ChecklistItem(
                kind, text, tuple(hit), rule.severity, f"{rule.id}: {rule.source}"
            )
        )
    return items


def checklist(
    sku: SkuRecord,
    keys: tuple[str, ...],
    modes: Sequence[str],
    rules: CustomsRules,
    registrations: Sequence[Registration],
    language: str = "en",
) -> tuple[ChecklistItem, ...]:
    """Return what the SKU needs to launch in a market: documents, marks, registrations.

    Args:
        sku: The SKU (HS code, battery, title).
        keys: Marketplace id and customs zone.
        modes: Transport modes considered (``parcel``, ``sea`` ...).
        rules: Customs rules in force.
        registrations: Registration rows in force.
        language: Language of worldpool's own texts.
    """
    items = [
        ChecklistItem(
            "document",
            t("commercial invoice and packing list for every consignment", language),
            ("*",),
            "error",
            "worldpool.customs.documents",
        )
    ]
    items += _restriction_items(sku, keys, modes, rules)
    if "parcel" in modes:
        items += [
            ChecklistItem(
                "tax", f"{s.id}: {s.message}", ("parcel",), "warning", s.source
            )
            for s in rules.schemes
            if applies(s.destinations, *keys) and applies(s.kinds, "parcel")
        ]
    items += [
        ChecklistItem(r.what, r.message, ("*",), "error", f"{r.id}: {r.source}")
        for r in registrations
        if applies(r.destinations, *keys) and any(_selects(s, sku) for s in r.match)
    ]
    return tuple(items)


def _option(
    lane: Lane, sku: SkuRecord, batch: int, blocked: set[str]
) -> LogisticsOption:
    units = 1 if lane.mode is Mode.PARCEL else batch
    cost = lane.cost(sku.unit_weight_kg * units, sku.unit_volume_m3 * units) / units
    return LogisticsOption(
        lane.id,
        lane.mode.value,
        cost.quantize(Decimal("0.0001")),
        lane.currency,
        float(lane.transit.p50_days),
        float(lane.transit.p90_days),
        lane.mode.value in blocked,
    )


def logistics_options(
    catalog: Catalog,
    hub: str,
    market: str,
    sku: SkuRecord,
    items: Sequence[ChecklistItem],
    params: ExpandParams | None = None,
) -> tuple[LogisticsOption, ...]:
    """Return the ways from ``hub`` to ``market``: parcel lanes and lanes to its FCs.

    Args:
        catalog: The catalog (lanes, FCs).
        hub: Origin hub id.
        market: Marketplace id.
        sku: The SKU (weight and volume price the freight).
        items: Its checklist (``blocked`` items close their modes).
        params: Consignment size for freight per unit.
    """
    p = params or ExpandParams()
    blocked = {m for i in items if i.kind == "blocked" for m in i.modes}
    lanes = list(catalog.lanes_between(hub, market))
    for fc in catalog.fcs_for(market):
        lanes += catalog.lanes_between(hub, fc.id)
    if not lanes:
        raise InputError(
            "no lane from the hub reaches the market",
            record="lane",
            field="destination",
            value=market,
        )
    return tuple(_option(lane, sku, p.batch_units, blocked) for lane in lanes)


def launch_plan(
    options: Sequence[LogisticsOption],
    monthly_units: float,
    origin_margin: float,
    params: ExpandParams | None = None,
    language: str = "en",
) -> LaunchPlan:
    """Return the launch plan: serve from origin first, or seed local stock.

    Args:
        options: The logistics options (:func:`logistics_options`).
        monthly_units: Expected units per month at the advised price.
        origin_margin: Contribution per unit when served from origin.
        params: Seeding threshold and cover.
        language: Language of the reason.
    """
    p = params or ExpandParams()
    open_ = [o for o in options if not o.blocked]
    parcel = min(
        (o for o in open_ if o.mode == "parcel"),
        key=lambda o: o.cost_per_unit,
        default=None,
    )
    stocked = min(
        (o for o in open_ if o.mode != "parcel"),
        key=lambda o: o.cost_per_unit,
        default=None,
    )
    if stocked is None and parcel is None:
        return LaunchPlan(
            "blocked",
            0,
            "",
            t("no open lane: resolve the blocked checklist items first", language),
        )
    small = monthly_units < p.seed_min_units
    if parcel is not None and (stocked is None or (small and origin_margin > 0)):
        why = t(
            "expected {units:.0f} units a month is below {seed:.0f}: serve from origin "
            "by {lane} ({days:.0f} days) until demand shows",
            language,
            units=monthly_units,
            seed=p.seed_min_units,
            lane=parcel.lane,
            days=parcel.p50_days,
        )
        return LaunchPlan("serve_from_origin", 0, parcel.lane, why)
    assert stocked is not None
    seed = math.ceil(monthly_units * p.cover_months)
    why = t(
        "expected {units:.0f} units a month: seed {seed} units by {lane} "
        "({days:.0f} days), {months:.0f} months of cover",
        language,
        units=monthly_units,
        seed=seed,
        lane=stocked.lane,
        days=stocked.p50_days,
        months=p.cover_months,
    )
    return LaunchPlan("seed_stock", seed, stocked.lane, why)
