"""Network topology as data: which stock node serves which demand stream.

A demand stream is one market x channel (an Online Retail II country, an M5
store as one channel of the US marketplace). A topology (``data/topologies.csv``)
says how streams map to stock nodes (``stream``: each its own FC, as legacy
split stock; ``market``: one FC per marketplace serving every channel there),
whether an origin hub pool feeds the FCs, and whether short FCs may fall back
to fulfil-from-origin. :func:`apply_topology` turns a stream-level scenario
into the node-level scenario the engine runs (stock-outs still counted per
stream); :func:`lane_review_days` picks each lane's shipment cadence from its
volume and fixed shipment cost.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from worldpool.sim.scenario import FloatArray, IntArray, Scenario, TransitDraws
from worldpool.sim.suppliers import supplier_review_days

__all__ = [
    "Topology",
    "apply_topology",
    "lane_review_days",
    "load_topologies",
    "node_draws",
    "with_cadence",
]

_PACKAGED = Path(__file__).parent / "data" / "topologies.csv"
_ORIGIN = ("none", "econ", "always")


@dataclass(frozen=True, slots=True)
class Topology:
    """One network layout (a row of ``topologies.csv``)."""

    name: str
    """``split``, ``mcf``, ``gwd``, ``full`` or a user's own."""
    stock_by: str
    """``stream``: one FC stock per market x channel; ``market``: one per
    marketplace."""
    hub: bool
    """True: an origin hub pool buys from the supplier and forward-deploys."""
    origin: str
    """Fulfil-from-origin: ``none``, ``econ`` (where the sale pays the parcel)
    or ``always`` (every order the hub can serve)."""
    description: str = ""
    """What the layout is, in words."""
    source: str = ""
    """Where the layout comes from."""
    effective_date: date = date(2026, 12, 6)
    """First day the row applies."""


def load_topologies(path: Path | None = None) -> dict[str, Topology]:
    """Return the topologies by name (the packaged file, or ``path``).

    Raises:
        ValueError: naming the line and field of a bad row.
    """
    out: dict[str, Topology] = {}
    with (path or _PACKAGED).open(newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            where = f"topologies line {i}"
            if row["stock_by"] not in ("stream", "market"):
                raise ValueError(f"{where}: stock_by {row['stock_by']!r}")
            if row["origin"] not in _ORIGIN:
                raise ValueError(f"{where}: origin {row['origin']!r} not in {_ORIGIN}")
            out[row["name"]] = Topology(
                name=row["name"],
                stock_by=row["stock_by"],
                hub=row["hub"].strip().lower() == "true",
                origin=row["origin"],
                description=row.get("description", ""),
                source=row.get("source", ""),
                effective_date=date.fromisoformat(row["effective_date"]),
            )
    return out


def _groups(sc: Scenario, topo: Topology) -> tuple[list[str], IntArray]:
    """Return node labels and the node of each stream (market index)."""
    places = sc.market_place or sc.markets
    if topo.stock_by == "stream":
        return list(sc.markets), np.arange(len(sc.markets), dtype=np.int64)
    labels = list(dict.fromkeys(places))
    return labels, np.array([labels.index(p) for p in places], dtype=np.int64)


def apply_topology(sc: Scenario, topo: Topology) -> Scenario:
    """Return the node-level scenario of a stream-level one under ``topo``.

    Streams sharing a node have their daily demand summed; the node takes the
    economics and lanes of its first stream (the streams of one marketplace
    share its FC and lanes). The streams' own demand is kept
    (``stream_demand``) so stock-out days stay counted per stream.
    Returns ``sc`` itself when every stream is its own node.
    """
    labels, node = _groups(sc, topo)
    if len(labels) == len(sc.markets):
        return sc
    n = len(labels)
    first = np.array([int(np.flatnonzero(node == j)[0]) for j in range(n)])
    onehot = np.zeros((len(sc.markets), n), dtype=np.float32)
    onehot[np.arange(len(sc.markets)), node] = 1.0
    fields = {f: getattr(sc, f) for f in sc.__dataclass_fields__}
    fields.update(
        markets=tuple(labels),
        market_place=tuple(labels),
        demand=np.ascontiguousarray(sc.demand @ onehot),
        stream_demand=sc.demand,
        stream_node=node,
        lane_review_days=None,
        supplier_review_days=None,
    )
    per_market = ("holding_fc", "sea_cost", "parcel_cost", "air_cost", "origin_cleared")
    for name in per_market:
        value = getattr(sc, name)
        fields[name] = None if value is None else value[:, first]
    for name in (
        "parcel_fixed",
        "sea_transit",
        "parcel_transit",
        "fc_delivery_days",
        "ffo_loss",
        "air_transit",
        "shipment_fixed",
        "shipment_fixed_air",
    ):
        value = getattr(sc, name)
        fields[name] = None if value is None else value[first]
    if sc.fc_peak is not None:
        fields["fc_peak"] = sc.fc_peak[:, first]
    return Scenario(**fields)


def node_draws(draws: TransitDraws, sc: Scenario) -> TransitDraws:
    """Return a node-level scenario's transit draws from its streams' draws.

    Each node sails with its first stream's draws, so a pooled node and the
    streams it replaces see the same lane weather. ``draws`` as returned for
    the stream-level scenario; unchanged when ``sc`` has no streams.
    """
    if sc.stream_node is None or draws.sea_days.shape[1] == len(sc.markets):
        return draws
    node = sc.stream_node
    first = np.array([int(np.flatnonzero(node == j)[0]) for j in range(node.max() + 1)])
    air = None if draws.air_days is None else draws.air_days[:, first]
    return TransitDraws(draws.sea_days[:, first], draws.parcel_days[:, first], air)


def lane_review_days(
    sc: Scenario, warmup_days: int, choices: Sequence[int] = (7, 14, 28)
) -> IntArray:
    """Return each lane's shipment cadence (M), in days, from volume and fixed cost.

    Per lane, the cadence R in ``choices`` minimising fixed cost per day K/R plus
    the cost of carrying the cycle stock, H R / 2, where K is the lane's fixed
    cost per shipment and H the storage + capital cost per day of one day of
    the lane's demand (the warm-up days' mean): the economic order interval
    (Silver, Pyke & Thomas, 2017, ch. 4). A busy lane ships often, a thin one
    rarely; consolidating channels (mcf) or SKUs at a hub raises volume.
    """
    mean = sc.demand[:warmup_days].astype(np.float64).mean(axis=0)
    carry: FloatArray = (mean * (sc.holding_fc + sc.capital_day[:, None])).sum(axis=0)
    fixed = (
        np.zeros(len(sc.markets)) if sc.shipment_fixed is None else sc.shipment_fixed
    )
    r = np.asarray(choices, dtype=float)[:, None]
    cost = fixed[None, :] / r + carry[None, :] * r / 2.0
    picked: IntArray = np.asarray(choices, dtype=np.int64)[np.argmin(cost, axis=0)]
    return picked


def with_cadence(sc: Scenario, warmup_days: int, choices: Sequence[int]) -> Scenario:
    """Return ``sc`` with :func:`lane_review_days` set as its lane cadence.

    With a supplier assignment, each (supplier, lane) cadence is set too
    (:func:`worldpool.sim.suppliers.supplier_review_days`).
    """
    out = dataclasses.replace(
        sc, lane_review_days=lane_review_days(sc, warmup_days, choices)
    )
    if sc.supplier is None:
        return out
    own = supplier_review_days(out, warmup_days, choices)
    return dataclasses.replace(out, supplier_review_days=own)
