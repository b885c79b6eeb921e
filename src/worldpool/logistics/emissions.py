"""CO2e of a shipment from GLEC Framework default emission intensities.

``co2e = intensity (kg CO2e / t-km) x actual weight (t) x distance (km)``, the
GLEC Framework's default-value method (ISO 14083 aligned). Distances are the
great circle between the origin and destination gateways (``places.csv``),
adjusted per mode as GLEC prescribes (air: + 95 km; sea: x a detour factor).
Factors and places are data files with their sources.

References:
    Smart Freight Centre (2023). GLEC Framework for Logistics Emissions
    Accounting and Reporting, v3.0. ISO 14083:2023.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from worldpool.errors import UnknownReference
from worldpool.logistics._data import read_rows

__all__ = ["EmissionFactor", "co2e_kg", "distance_km", "emission_factors", "places"]

_EARTH_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class EmissionFactor:
    """A GLEC default intensity for one mode."""

    mode: str
    """Lane mode (sea, air, express, parcel, road)."""
    kg_per_tkm: float
    """Well-to-wheel intensity, in kg CO2e per tonne-km."""
    distance_factor: float
    """Multiplier on the great-circle distance (detours)."""
    distance_add_km: float
    """Kilometres added to the great circle (GLEC air: 95 km)."""
    source: str
    """Where the intensity comes from."""


@cache
def emission_factors() -> dict[str, EmissionFactor]:
    """Return the packaged emission factors by mode."""
    return {
        r["mode"]: EmissionFactor(
            r["mode"],
            float(r["kg_co2e_per_tkm"]),
            float(r["distance_factor"]),
            float(r["distance_add_km"]),
            r["source"],
        )
        for r in read_rows("emission_factors.csv")
    }


@cache
def places() -> dict[str, tuple[float, float]]:
    """Return gateway coordinates (lat, lon in degrees) by ISO country code."""
    return {
        r["place"]: (float(r["lat"]), float(r["lon"])) for r in read_rows("places.csv")
    }


def _great_circle(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * _EARTH_KM * math.asin(math.sqrt(h))


def distance_km(origin_country: str, destination_country: str, mode: str) -> float:
    """Return the GLEC-adjusted transport distance between two countries, in km.

    Raises:
        UnknownReference: a country without gateway coordinates, or a mode
            without a factor.
    """
    known = places()
    for c in (origin_country, destination_country):
        if c not in known:
            raise UnknownReference("no gateway coordinates", record="places", value=c)
    f = emission_factors().get(mode)
    if f is None:
        raise UnknownReference("no emission factor", record="mode", value=mode)
    gcd = _great_circle(known[origin_country], known[destination_country])
    return gcd * f.distance_factor + f.distance_add_km


def co2e_kg(
    mode: str, weight_kg: Decimal, origin_country: str, destination_country: str
) -> float:
    """Return the shipment's well-to-wheel CO2e, in kg (actual weight, not chargeable).

    Args:
        mode: Lane mode.
        weight_kg: Actual gross weight, in kg.
        origin_country: ISO code of the origin.
        destination_country: ISO code of the destination.
    """
    km = distance_km(origin_country, destination_country, mode)
    return emission_factors()[mode].kg_per_tkm * float(weight_kg) / 1000 * km
