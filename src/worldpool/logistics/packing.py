"""Pack units into cartons by volume and weight (first-fit decreasing).

Each SKU first fills whole single-SKU cartons of the largest carton type (what a
receiving FC prefers: one SKU per box); the remainders are then packed together
first-fit decreasing on their larger share of a carton's volume or weight, and
every carton is finally shrunk to the smallest type that still holds it. Volume
is filled up to ``fill`` (a share of the carton's inner volume: units do not
tessellate perfectly).

References:
    Johnson, D. S. (1973). Near-optimal bin packing algorithms. MIT thesis
    (first-fit decreasing, at most 11/9 OPT + 6/9 bins).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from worldpool.errors import InputError
from worldpool.logistics._data import read_rows

__all__ = ["Carton", "CartonType", "PackItem", "carton_types", "pack"]


@dataclass(frozen=True, slots=True)
class CartonType:
    """A carton size the packer may use."""

    id: str
    """Carton id (``L``, ``M`` ...)."""
    volume_m3: Decimal
    """Outer volume, in m3 (inner volume taken equal)."""
    max_kg: Decimal
    """Heaviest gross weight allowed, in kg."""
    tare_kg: Decimal
    """Weight of the empty carton, in kg."""


@dataclass(frozen=True, slots=True)
class PackItem:
    """Units of one SKU to pack."""

    sku: str
    """SKU id."""
    qty: int
    """Units."""
    unit_volume_m3: Decimal
    """Volume of one unit, in m3."""
    unit_weight_kg: Decimal
    """Weight of one unit, in kg."""


@dataclass(frozen=True, slots=True)
class Carton:
    """One packed carton: a logistic unit that gets an SSCC."""

    type: CartonType
    """Its size."""
    contents: tuple[tuple[str, int], ...]
    """(SKU, units) pairs, sorted by SKU."""
    weight_kg: Decimal
    """Gross weight (contents + tare), in kg."""
    volume_m3: Decimal
    """Outer volume, in m3."""

    @property
    def units(self) -> int:
        """Units in the carton."""
        return sum(q for _, q in self.contents)


def carton_types() -> tuple[CartonType, ...]:
    """Return the packaged carton sizes, largest first."""
    out = []
    for r in read_rows("cartons.csv"):
        cm3 = int(r["length_cm"]) * int(r["width_cm"]) * int(r["height_cm"])
        out.append(
            CartonType(
                r["carton"],
                Decimal(cm3) / Decimal(1_000_000),
                Decimal(r["max_kg"]),
                Decimal(r["tare_kg"]),
            )
        )
    return tuple(sorted(out, key=lambda c: c.volume_m3, reverse=True))


@dataclass
class _Bin:
    volume: Decimal
    weight: Decimal
    contents: dict[str, int]


def _fits(b: _Bin, vol: Decimal, kg: Decimal, cap_v: Decimal, cap_kg: Decimal) -> bool:
    return b.volume + vol <= cap_v and b.weight + kg <= cap_kg


def _per_carton(item: PackItem, cap_v: Decimal, cap_kg: Decimal) -> int:
    by_v = math.floor(cap_v / item.unit_volume_m3) if item.unit_volume_m3 else 10**9
    by_kg = math.floor(cap_kg / item.unit_weight_kg) if item.unit_weight_kg else 10**9
    return min(by_v, by_kg)


def _first_fit(units: list[PackItem], cap_v: Decimal, cap_kg: Decimal) -> list[_Bin]:
    # Decreasing by the unit's larger share of a carton (volume or weight).
    units.sort(
        key=lambda u: max(u.unit_volume_m3 / cap_v, u.unit_weight_kg / cap_kg),
        reverse=True,
    )
    bins: list[_Bin] = []
    for u in units:
        for _ in range(u.qty):
            b = next(
                (
                    b
                    for b in bins
                    if _fits(b, u.unit_volume_m3, u.unit_weight_kg, cap_v, cap_kg)
                ),
                None,
            )
            if b is None:
                b = _Bin(Decimal(0), Decimal(0), {})
                bins.append(b)
            b.volume += u.unit_volume_m3
            b.weight += u.unit_weight_kg
            b.contents[u.sku] = b.contents.get(u.sku, 0) + 1
    return bins


def _shrink(b: _Bin, types: Sequence[CartonType], fill: Decimal) -> Carton:
    chosen = types[0]
    for t in types:  # largest first: keep the last (smallest) that holds it
        if b.volume <= t.volume_m3 * fill and b.weight <= t.max_kg - t.tare_kg:
            chosen = t
    return Carton(
        chosen,
        tuple(sorted(b.contents.items())),
        b.weight + chosen.tare_kg,
        chosen.volume_m3,
    )


def pack(
    items: Sequence[PackItem],
    types: Sequence[CartonType] | None = None,
    fill: Decimal = Decimal("0.85"),
) -> list[Carton]:
    """Pack ``items`` into cartons; every unit lands in exactly one carton.

    Args:
        items: Units per SKU with unit volume (m3) and weight (kg).
        types: Carton sizes (default: the packaged ones).
        fill: Usable share of a carton's volume, 0 < fill <= 1.

    Raises:
        InputError: a unit that fits no carton (too big or too heavy).
    """
    sizes = sorted(types or carton_types(), key=lambda c: c.volume_m3, reverse=True)
    big = sizes[0]
    cap_v, cap_kg = big.volume_m3 * fill, big.max_kg - big.tare_kg
    full: list[_Bin] = []
    rest: list[PackItem] = []
    for it in items:
        if it.qty <= 0:
            continue
        k = _per_carton(it, cap_v, cap_kg)
        if k < 1:
            raise InputError(
                "a unit fits no carton; ship it as its own piece",
                record=f"sku {it.sku}",
                field="unit_volume_m3",
            )
        n_full, left = divmod(it.qty, k)
        v, w = it.unit_volume_m3 * k, it.unit_weight_kg * k
        full += [_Bin(v, w, {it.sku: k}) for _ in range(n_full)]
        if left:
            rest.append(PackItem(it.sku, left, it.unit_volume_m3, it.unit_weight_kg))
    bins = full + _first_fit(rest, cap_v, cap_kg)
    return [_shrink(b, sizes, fill) for b in bins]
