"""Excess and ageing stock per SKU x node, vectorised, with its carrying cost."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from worldpool.assistant._dist import FloatArray

__all__ = ["ExcessInputs", "ExcessStock", "excess_stock"]


@dataclass(frozen=True, slots=True, eq=False)
class ExcessInputs:
    """The stock of N SKU x node pairs (arrays of length N)."""

    on_hand: FloatArray
    """Units on hand."""
    mean: FloatArray
    """Forecast mean daily demand served from this stock, units/day. [mu]"""
    unit_cost: FloatArray
    """Value of a unit at cost, money per unit. [c]"""
    storage_day: FloatArray
    """Storage cost per unit per day at the node, money. [h]"""
    capital_rate_day: float = 0.15 / 365
    """Cost of capital per day as a share of unit cost. [r]"""
    cover_days: float = 120.0
    """Stock beyond this many days of demand counts as excess, days."""


@dataclass(frozen=True, slots=True, eq=False)
class ExcessStock:
    """The excess of each pair (arrays of length N)."""

    excess_units: FloatArray
    """Units beyond ``cover_days`` of demand."""
    days_of_cover: FloatArray
    """On hand over mean daily demand, days (inf without demand)."""
    carrying_cost: FloatArray
    """Cost of holding the excess until demand would use it up, money:
    storage + capital over the average days the excess waits."""


def excess_stock(inputs: ExcessInputs) -> ExcessStock:
    """Return the excess units and what carrying them will cost.

    The excess waits on average half the time demand takes to use it up (a
    linear run-down), capped at one year for stock with no demand at all.

    Args:
        inputs: Stock, demand and costs (see :class:`ExcessInputs`).

    Returns:
        Excess units, days of cover and carrying cost per pair.
    """
    mu = np.maximum(inputs.mean, 0.0)
    keep = mu * inputs.cover_days
    excess = np.maximum(inputs.on_hand - keep, 0.0)
    cover = np.where(mu > 0, inputs.on_hand / np.maximum(mu, 1e-12), np.inf)
    wait = np.where(mu > 0, excess / np.maximum(mu, 1e-12) / 2.0, 365.0)
    wait = np.minimum(wait, 365.0)
    per_day = inputs.storage_day + inputs.unit_cost * inputs.capital_rate_day
    return ExcessStock(
        excess_units=excess, days_of_cover=cover, carrying_cost=excess * per_day * wait
    )
