"""Customs rules as dated data: required fields, tax schemes, restrictions, fees.

Every rule file under ``worldpool/customs/data/`` has an ``id``, a ``source``
and an ``effective_date``; on a given day the row of an id in force is the
one with the latest ``effective_date`` on or before it (see
:func:`worldpool.catalog.in_effect`). A user file with the same name in an
override directory replaces the packaged rows of the ids it names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import TypeVar

from worldpool.catalog import in_effect
from worldpool.errors import CatalogError

__all__ = [
    "CodeLength",
    "CustomsRules",
    "Fee",
    "FieldRule",
    "Limit",
    "RestrictionRule",
    "SchemeRule",
    "Valuation",
    "applies",
    "load_rules",
]


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())


def applies(scope: tuple[str, ...], *keys: str) -> bool:
    """Return True when a rule scope (``*`` or ids) covers any of ``keys``.

    Args:
        scope: The rule's ``destinations``, ``kinds`` or ``modes`` cell, split.
        keys: What to look for (e.g. the marketplace id and its customs zone).
    """
    return "*" in scope or any(key in scope for key in keys)


@dataclass(frozen=True, slots=True)
class FieldRule:
    """A field a document must fill for some destinations and shipment kinds."""

    id: str
    """Rule id."""
    destinations: tuple[str, ...]
    """Marketplace ids or customs zones (``EU``), or ``*``."""
    kinds: tuple[str, ...]
    """Shipment kinds (``transfer``, ``parcel``) or ``*``."""
    field: str
    """Dotted field path; ``lines[]`` means every line."""
    severity: str
    """``error`` (blocks documents) or ``warning``."""
    message: str
    """What to do, for the seller."""
    source: str
    """Where the rule comes from."""
    effective_date: date
    """First day the rule applies."""


@dataclass(frozen=True, slots=True)
class SchemeRule:
    """A point-of-sale tax scheme for low-value parcels (IOSS, UK-POS ...)."""

    id: str
    """Scheme id."""
    destinations: tuple[str, ...]
    """Marketplace ids or zones the scheme covers."""
    kinds: tuple[str, ...]
    """Shipment kinds it applies to."""
    max_value: Decimal
    """Largest consignment value the scheme covers, in ``currency``."""
    currency: str
    """ISO 4217 code of ``max_value``."""
    basis: str
    """What is compared with ``max_value``."""
    id_party: str
    """Party that must carry the registration id (``exporter`` ...)."""
    id_name: str
    """Key of the id in that party's ``ids`` (``IOSS``, ``VAT`` ...)."""
    message: str
    """What the scheme means for the seller."""
    source: str
    """Where the rule comes from."""
    effective_date: date
    """First day the rule applies."""


@dataclass(frozen=True, slots=True)
class RestrictionRule:
    """Restricted goods: batteries by mode, e-mobility tests, conformity marks."""

    id: str
    """Rule id."""
    destinations: tuple[str, ...]
    """Marketplace ids or zones, or ``*``."""
    modes: tuple[str, ...]
    """Transport modes, or ``*``."""
    match: str
    """``battery:TYPE|any``, ``hs:PREFIX;PREFIX`` or ``keyword:a|b``."""
    requires: str
    """``forbidden``, ``un_number``, ``document:NAME`` or ``mark:A|B``."""
    severity: str
    """``error`` or ``warning``."""
    message: str
    """What to do, for the seller."""
    source: str
    """Where the rule comes from."""
    effective_date: date
    """First day the rule applies."""


@dataclass(frozen=True, slots=True)
class CodeLength:
    """How many digits of the tariff code a destination's declaration needs."""

    id: str
    """Rule id."""
    destinations: tuple[str, ...]
    """Marketplace ids or zones."""
    kinds: tuple[str, ...]
    """Shipment kinds."""
    min_digits: Decimal
    """Digits the declaration needs (6 HS, 8 CN, 10 HTSUS/TARIC)."""
    severity: str
    """``error`` or ``warning``."""
    message: str
    """What to do, for the seller."""
    source: str
    """Where the rule comes from."""
    effective_date: date
    """First day the rule applies."""


@dataclass(frozen=True, slots=True)
class Limit:
    """A numeric limit used by the plausibility checks."""

    id: str
    """Limit id (``max_unit_kg`` ...)."""
    value: Decimal
    """The limit, in ``unit``."""
    unit: str
    """Unit of ``value``."""
    message: str
    """What crossing it means."""
    source: str
    """Where the number comes from."""
    effective_date: date
    """First day it applies."""


@dataclass(frozen=True, slots=True)
class Valuation:
    """How a destination values goods for duty and for import VAT/GST."""

    id: str
    """Marketplace id or customs zone."""
    duty_basis: str
    """``FOB`` (goods only) or ``CIF`` (goods + freight + insurance)."""
    vat_basis: str
    """``CIF_DUTY``, ``FOB_DUTY`` or ``NONE`` (no import VAT)."""
    vat_uplift: Decimal
    """Uplift on the value before VAT, as a fraction (ZA: 0.10)."""
    duty_source: str
    """Tariff whose MFN rates apply (``US``, ``EU``, ``GB``) or empty."""
    source: str
    """Where the rule comes from."""
    effective_date: date
    """First day the rule applies."""


@dataclass(frozen=True, slots=True)
class Fee:
    """A fee or flat duty on imports (EU EUR 3 per item category, US MPF ...)."""

    id: str
    """Fee id."""
    destinations: tuple[str, ...]
    """Marketplace ids or zones."""
    kinds: tuple[str, ...]
    """Shipment kinds."""
    kind: str
    """``per_item_category``, ``per_shipment`` or ``ad_valorem``."""
    amount: Decimal
    """Flat amount in ``currency`` (per category or per shipment)."""
    rate: Decimal
    """Ad valorem rate as a fraction of the customs value."""
    minimum: Decimal
    """Smallest ad valorem fee in ``currency`` (0: none)."""
    maximum: Decimal
    """Largest ad valorem fee in ``currency`` (0: none)."""
    currency: str
    """ISO 4217 code of the amounts."""
    min_consignment_value: Decimal
    """Applies only to consignments over this value in ``currency`` (0: any)."""
    max_consignment_value: Decimal
    """Applies only to consignments not over this value in ``currency`` (0: any)."""
    replaces_duty: bool
    """True when the fee is charged instead of the ad valorem duty."""
    source: str
    """Where the fee comes from."""
    effective_date: date
    """First day it applies."""


@dataclass(frozen=True, slots=True)
class CustomsRules:
    """All customs rules in force on ``as_of``."""

    fields: tuple[FieldRule, ...]
    """Required fields."""
    schemes: tuple[SchemeRule, ...]
    """Low-value tax schemes."""
    restrictions: tuple[RestrictionRule, ...]
    """Restricted goods."""
    code_lengths: tuple[CodeLength, ...]
    """Tariff-code digits each destination's declaration needs."""
    limits: Mapping[str, Limit]
    """Plausibility limits by id."""
    valuations: Mapping[str, Valuation]
    """Valuation bases by marketplace id or zone."""
    fees: tuple[Fee, ...]
    """Fees and flat duties."""
    countries: frozenset[str]
    """ISO 3166-1 alpha-2 codes."""
    as_of: date
    """Day the rules were selected for."""

    def limit(self, name: str) -> Limit:
        """Return the limit ``name`` (a KeyError means the packaged file is broken).

        Args:
            name: Limit id, e.g. ``max_unit_kg``.
        """
        return self.limits[name]


R = TypeVar("R")
_Row = Mapping[str, str]


def _cell(file: str, number: int, row: _Row, name: str) -> str:
    value = row.get(name)
    if value is None:
        raise CatalogError("column missing", record=file, row=number, field=name)
    return value.strip()


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text or "0")
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None


def _parse(file: str, number: int, row: _Row, kind: type[R]) -> R:
    values: dict[str, object] = {}
    for name, annotation in kind.__annotations__.items():
        text = _cell(file, number, row, name)
        try:
            values[name] = _convert(annotation, text)
        except ValueError as exc:
            raise CatalogError(str(exc), record=file, row=number, field=name) from None
    return kind(**values)


def _convert(annotation: str, text: str) -> object:
    converters: dict[str, Callable[[str], object]] = {
        "str": str,
        "date": date.fromisoformat,
        "Decimal": _decimal,
        "bool": lambda t: t.lower() in {"yes", "true", "1"},
        "tuple[str, ...]": _split,
    }
    return converters[annotation](text)


def _read(name: str, overrides: Sequence[Path]) -> list[tuple[str, _Row]]:
    packaged = resources.files("worldpool.customs").joinpath("data", name)
    layers = [(name, packaged.read_text())]
    layers += [
        (str(d / name), (d / name).read_text())
        for d in overrides
        if (d / name).exists()
    ]
    rows: list[tuple[str, _Row]] = []
    for label, body in layers:
        reader = csv.DictReader(io.StringIO(body, newline=""))
        layer: list[tuple[str, _Row]] = [(label, row) for row in reader]
        # A later layer replaces the whole dated history of the ids it names.
        named = {row.get("id") for _, row in layer}
        rows = [item for item in rows if item[1].get("id") not in named] + layer
    return rows


def _table(name: str, kind: type[R], as_of: date, overrides: Sequence[Path]) -> list[R]:
    parsed = [
        _parse(label, number, row, kind)
        for number, (label, row) in enumerate(_read(name, overrides), start=1)
    ]
    return list(in_effect(parsed, as_of).values())  # type: ignore[type-var]


def load_rules(as_of: date, overrides: Sequence[Path] = ()) -> CustomsRules:
    """Load the customs rules in force on ``as_of``.

    Args:
        as_of: The day (shipment date) whose rules apply.
        overrides: Directories with user rule files of the same names.

    Raises:
        CatalogError: when a rule file is malformed (names file, row, field).
    """
    countries = {
        row["code"]
        for _, row in _read("countries.csv", ())
        if date.fromisoformat(row["effective_date"]) <= as_of
    }
    return CustomsRules(
        fields=tuple(
            _table("customs_required_fields.csv", FieldRule, as_of, overrides)
        ),
        schemes=tuple(_table("customs_tax_schemes.csv", SchemeRule, as_of, overrides)),
        restrictions=tuple(
            _table("customs_restricted.csv", RestrictionRule, as_of, overrides)
        ),
        code_lengths=tuple(
            _table("customs_code_length.csv", CodeLength, as_of, overrides)
        ),
        limits={x.id: x for x in _table("customs_limits.csv", Limit, as_of, overrides)},
        valuations={
            x.id: x
            for x in _table("customs_valuation.csv", Valuation, as_of, overrides)
        },
        fees=tuple(_table("customs_fees.csv", Fee, as_of, overrides)),
        countries=frozenset(countries),
        as_of=as_of,
    )
