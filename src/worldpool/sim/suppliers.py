"""Suppliers as network data: which factory makes each SKU, and what that costs.

Under split every supplier ships its own goods to each FC, so a lane's fixed
shipment cost and cadence are per (supplier, lane); a hub receives every
supplier's goods and consolidates them into one shipment per lane, and pays a
domestic delivery per supplier into the hub. :func:`supplier_index` reads the
assignment from a grouping rule or a file; :func:`with_suppliers` sets it on a
scenario; :func:`supplier_review_days` picks each (supplier, lane) cadence
from its own volume, as :func:`worldpool.sim.lane_review_days` does per lane.

Grouping rules (``--suppliers`` in ``benchmarks/simulate_policies.py``):

* ``one``: one supplier for every SKU;
* ``N`` (an integer): the SKUs in id order cut into N blocks of equal size
  (neighbouring stock codes share a factory; a sensitivity knob, not data);
* ``prefix:K``: SKUs sharing the first K characters of their id share a
  supplier (Online Retail II stock codes are numbered in blocks: ``prefix:3``
  gives 127 groups of 27 SKUs on average; the data say nothing about the
  factories, so this is a plausible assumption, not a fact);
* a path to a CSV file with columns ``sku, supplier`` (SKUs it leaves out
  each get their own supplier).
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from worldpool.sim.protocol import PolicyView
from worldpool.sim.scenario import FloatArray, IntArray, Scenario

__all__ = [
    "group_sum",
    "pair_review",
    "supplier_index",
    "supplier_review_days",
    "with_suppliers",
]


def _from_file(skus: Sequence[str], path: Path) -> IntArray:
    """Return the supplier index of each SKU from a ``sku, supplier`` CSV."""
    with path.open(newline="", encoding="utf-8") as fh:
        given = {row["sku"]: row["supplier"] for row in csv.DictReader(fh)}
    names = [given.get(s, f"own:{s}") for s in skus]
    labels = {n: i for i, n in enumerate(dict.fromkeys(names))}
    return np.array([labels[n] for n in names], dtype=np.int64)


def supplier_index(skus: Sequence[str], rule: str) -> IntArray:
    """Return each SKU's supplier index 0..G-1 (S) under a grouping rule.

    Args:
        skus: SKU ids in scenario order.
        rule: ``one``, an integer N, ``prefix:K`` or a CSV path (module doc).

    Raises:
        ValueError: an unknown rule, N < 1 or K < 1.
    """
    n = len(skus)
    if rule == "one":
        return np.zeros(n, dtype=np.int64)
    if rule.isdigit():
        groups = int(rule)
        if groups < 1:
            raise ValueError(f"suppliers: {rule!r} must be at least 1")
        rank = np.argsort(np.argsort(np.array(skus, dtype=object), kind="stable"))
        return np.asarray(rank * min(groups, max(n, 1)) // max(n, 1), dtype=np.int64)
    if rule.startswith("prefix:"):
        k = int(rule.removeprefix("prefix:"))
        if k < 1:
            raise ValueError(f"suppliers: {rule!r} needs a prefix of 1 or more")
        keys = [s[:k] for s in skus]
        labels = {key: i for i, key in enumerate(sorted(set(keys)))}
        return np.array([labels[key] for key in keys], dtype=np.int64)
    path = Path(rule)
    if path.is_file():
        return _from_file(skus, path)
    raise ValueError(f"suppliers: {rule!r} is not one, N, prefix:K or a CSV file")


def group_sum(values: FloatArray, supplier: IntArray, groups: int) -> FloatArray:
    """Return per-supplier sums (G, M) of per-SKU values (S, M)."""
    out = np.zeros((groups, values.shape[1]))
    np.add.at(out, supplier, values)
    return out


def supplier_review_days(
    sc: Scenario, warmup_days: int, choices: Sequence[int] = (7, 14, 28)
) -> IntArray:
    """Return each (supplier, lane) shipment cadence (G, M), in days.

    The economic order interval of :func:`worldpool.sim.lane_review_days` on
    the supplier's own volume of the lane: R in ``choices`` minimising K/R +
    H R / 2, K the lane's fixed cost per shipment, H the storage + capital cost
    per day of one day of the supplier's demand on the lane (warm-up mean).
    With one supplier this is the lane's cadence.
    """
    if sc.supplier is None:
        raise ValueError("the scenario has no supplier assignment")
    mean = sc.demand[:warmup_days].astype(np.float64).mean(axis=0)
    carry = group_sum(
        mean * (sc.holding_fc + sc.capital_day[:, None]), sc.supplier, sc.suppliers
    )
    fixed = (
        np.zeros(len(sc.markets)) if sc.shipment_fixed is None else sc.shipment_fixed
    )
    r = np.asarray(choices, dtype=float)[:, None, None]
    cost = fixed[None, None, :] / r + carry[None] * r / 2.0
    picked: IntArray = np.asarray(choices, dtype=np.int64)[np.argmin(cost, axis=0)]
    return picked


def with_suppliers(
    sc: Scenario,
    supplier: IntArray,
    inbound_fixed: float,
    warmup_days: int,
    choices: Sequence[int] = (7, 14, 28),
) -> Scenario:
    """Return ``sc`` with a supplier per SKU and each (supplier, lane) cadence.

    Args:
        sc: The scenario (its ``shipment_fixed`` prices a departure).
        supplier: Supplier index 0..G-1 of each SKU (S).
        inbound_fixed: Fixed cost of one supplier -> hub delivery, currency.
        warmup_days: Days whose demand sets the cadences.
        choices: Cadences a (supplier, lane) may take, in days.
    """
    out = dataclasses.replace(
        sc,
        supplier=np.asarray(supplier, dtype=np.int64),
        supplier_review_days=None,
        inbound_fixed=float(inbound_fixed),
    )
    cadence = supplier_review_days(out, warmup_days, choices)
    return dataclasses.replace(out, supplier_review_days=cadence)


def pair_review(view: PolicyView) -> FloatArray:
    """Return the days between supplier shipments of each pair (S, M).

    The cadence of the SKU's supplier on the market's lane; without a
    supplier assignment, the lane's cadence (as before suppliers).
    """
    sc = view.scenario
    if sc.supplier is None or sc.supplier_review_days is None:
        lanes = (
            np.full(len(sc.markets), float(view.review_days))
            if sc.lane_review_days is None
            else np.maximum(sc.lane_review_days, view.review_days).astype(float)
        )
        return np.broadcast_to(lanes[None, :], view.mean.shape)
    own = sc.supplier_review_days[sc.supplier]
    out: FloatArray = np.maximum(own, view.review_days).astype(float)
    return out
