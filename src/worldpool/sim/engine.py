"""The day loop of the twin: replenish, receive, serve, fall back, record.

Each day is a handful of NumPy operations over all SKUs x markets at once;
the only Python loop is over days.
"""

from __future__ import annotations

import numpy as np

from worldpool.sim._tally import Tally
from worldpool.sim.callbacks import NullCallbacks, SimCallbacks
from worldpool.sim.fallback import origin_fallback
from worldpool.sim.params import SimParams
from worldpool.sim.protocol import Decision, Network, PolicyView, ReplenishmentPolicy
from worldpool.sim.result import SimResult
from worldpool.sim.scenario import (
    FloatArray,
    Scenario,
    TransitDraws,
    draw_transits,
    max_sea_days,
)

__all__ = ["simulate"]


def _on_lanes(order: FloatArray | None, due: np.ndarray) -> FloatArray | None:
    """Return the order (S, M) kept on the lanes due today (M bool), units."""
    return None if order is None else np.where(due[None, :], order, 0.0)


class _Run:
    """Mutable state of one run; the hot path works in place on these arrays."""

    def __init__(
        self,
        sc: Scenario,
        policy: ReplenishmentPolicy,
        params: SimParams,
        draws: TransitDraws,
    ) -> None:
        s, m = len(sc.skus), len(sc.markets)
        self.sc, self.policy, self.params, self.draws = sc, policy, params, draws
        self.network = policy.network
        self.ring = max_sea_days(sc) + sc.supplier_lead_days + params.review_days + 2
        self.fc = np.zeros((s, m))
        self.hub = np.zeros(s)
        self.pipe_fc = np.zeros((self.ring, s, m))
        self.pipe_dep = np.zeros((self.ring, s, m))
        self.pipe_hub = np.zeros((self.ring, s))
        self.pipe_xdock = (
            np.zeros((self.ring, s, m))
            if sc.supplier is not None and self.network is Network.POOL
            else None
        )
        """Cross-dock buys by the day they reach the hub (only with suppliers)."""
        self.fc_transit = np.zeros((s, m))
        self.fc_waiting = np.zeros((s, m))
        self.hub_on_order = np.zeros(s)
        self.markets = np.arange(m)
        self.keep = 1.0 - sc.ffo_loss
        self.fallback = np.zeros((s, m), dtype=bool)
        self.lane_every = (
            None
            if sc.lane_review_days is None
            else np.maximum(sc.lane_review_days // params.review_days, 1)
        )
        self.supplier_every = (
            None
            if sc.supplier is None or sc.supplier_review_days is None
            else np.maximum(sc.supplier_review_days // params.review_days, 1)[
                sc.supplier
            ]
        )
        """Decision periods between shipments of each pair's supplier (S, M)."""
        start = params.warmup_days
        # Trailing-window sums of d, d² and sale days per pair, and of the
        # SKU total and its square: the window is [synced - window, synced).
        self.sums = [np.zeros((s, m)), np.zeros((s, m)), np.zeros((s, m))]
        self.totals = [np.zeros(s), np.zeros(s)]
        self._add(slice(start - params.window_days, start), 1.0)
        self.synced = start
        self.tally = Tally(sc, start, draws)

    def _add(self, days: slice, sign: float) -> None:
        block = self.sc.demand[days].astype(np.float64)
        if not len(block):
            return
        totals = block.sum(axis=2)
        self.sums[0] += sign * block.sum(axis=0)
        self.sums[1] += sign * (block**2).sum(axis=0)
        self.sums[2] += sign * (block > 0).sum(axis=0)
        self.totals[0] += sign * totals.sum(axis=0)
        self.totals[1] += sign * (totals**2).sum(axis=0)

    def slide(self, t: int) -> None:
        """Move the trailing window to end before day t, in one block per call."""
        w = self.params.window_days
        self._add(slice(self.synced, t), 1.0)
        self._add(slice(self.synced - w, t - w), -1.0)
        self.synced = t

    def view(self, t: int, opening: bool = False) -> PolicyView:
        """Return what the policy may see on day t (state, trailing estimates)."""
        # The window sums slide once per decision, by the days since the last.
        self.slide(t)
        n = float(self.params.window_days)
        mean = self.sums[0] / n
        total_mean = self.totals[0] / n
        return PolicyView(
            day=t,
            scenario=self.sc,
            review_days=self.params.review_days,
            fc_on_hand=self.fc.copy(),
            fc_on_order=self.fc_transit + self.fc_waiting,
            hub_on_hand=self.hub.copy(),
            hub_on_order=self.hub_on_order.copy(),
            mean=mean,
            var=np.maximum(self.sums[1] / n - mean**2, 0.0),
            total_var=np.maximum(self.totals[1] / n - total_mean**2, 0.0),
            sale_share=self.sums[2] / n,
            opening=opening,
        )

    def ship(
        self, t: int, units: FloatArray, air: bool = False, direct: bool = False
    ) -> None:
        """Send units towards FCs by sea (or air) today; they land after the transit.

        ``direct``: split's orders and direct buys, shipped by their suppliers
        (one shipment per supplier and lane when suppliers are modelled).
        """
        days = self.draws.air_days if air else self.draws.sea_days
        if days is None:
            raise ValueError("an air shipment needs a scenario with air lanes")
        slot = (t + days[t]) % self.ring
        self.pipe_fc[slot, :, self.markets] += units.T
        self.fc_transit += units
        self.tally.flows["shipped_air" if air else "shipped"] += units
        self.tally.shipment(t, units, air, direct)

    def arrive(self, t: int) -> None:
        """Land today's arrivals at FCs and hub; split orders leave the supplier."""
        slot = t % self.ring
        arriving = self.pipe_fc[slot]
        self.fc += arriving
        self.fc_transit -= arriving
        arriving[...] = 0.0
        departing = self.pipe_dep[slot]
        if departing.any():
            self.fc_waiting -= departing
            self.ship(t, departing, direct=True)
            departing[...] = 0.0
        if self.pipe_xdock is not None and self.pipe_xdock[slot].any():
            # Trucked to the hub, consolidated into the lane's shipment today.
            crossing = self.pipe_xdock[slot]
            self.fc_waiting -= crossing
            self.ship(t, crossing)
            crossing[...] = 0.0
        if self.network is not Network.SPLIT:
            landing = self.pipe_hub[slot]
            self.hub += landing
            self.tally.hub_received += landing
            self.hub_on_order -= landing
            landing[...] = 0.0

    def replenish(self, t: int, decision: Decision, opening: bool) -> None:
        """Place the orders; the opening decision is delivered at once (day 0 stock)."""
        lead = self.sc.supplier_lead_days
        if self.network is Network.SPLIT:
            if opening:
                self.fc += decision.fc_order
                self.tally.shipped += decision.fc_order
            elif lead == 0:
                self.ship(t, decision.fc_order, direct=True)
            else:
                self.pipe_dep[(t + lead) % self.ring] += decision.fc_order
                self.fc_waiting += decision.fc_order
            return
        if decision.fc_direct is not None and decision.fc_direct.any():
            self.direct(t, decision.fc_direct, opening)
        xdock = decision.fc_xdock
        if xdock is not None and xdock.any():
            self.direct(t, xdock, opening, self.pipe_xdock)
        if not opening:
            trucked = decision.hub_order
            if xdock is not None:
                trucked = trucked + xdock.sum(axis=1)
            self.tally.inbound(trucked)
        if opening or lead == 0:
            self.hub += decision.hub_order
            self.tally.hub_received += decision.hub_order
        else:
            self.pipe_hub[(t + lead) % self.ring] += decision.hub_order
            self.hub_on_order += decision.hub_order
        if self.network is Network.POOL:
            self.transfer(t, decision.fc_order, decision.fc_air_order, opening)

    def direct(
        self, t: int, units: FloatArray, opening: bool, via: FloatArray | None = None
    ) -> None:
        """Buy units for FCs, cross-docked at the hub on landing (as split does).

        ``via``: the cross-dock pipeline, whose units leave in the hub's lane
        shipment; None: the supplier's own shipment (``pipe_dep``).
        """
        lead = self.sc.supplier_lead_days
        if opening:
            self.fc += units
            self.tally.shipped += units
        elif lead == 0:
            self.ship(t, units, direct=via is None)
        else:
            pipe = self.pipe_dep if via is None else via
            pipe[(t + lead) % self.ring] += units
            self.fc_waiting += units

    def due(self, t: int, decision: Decision, opening: bool) -> Decision:
        """Return the decision with FC orders kept only on lanes due to ship.

        Direct buys (and split's FC orders) are placed on a lane's due days and
        leave the supplier ``supplier_lead_days`` later. Hub transfers are
        kept on the decision days when that happens, so they leave the hub
        on the day the direct buys are cross-docked there: one shipment and
        one fixed cost per lane and cycle, as a consolidating hub ships.
        """
        if opening:
            return decision
        review = self.params.review_days
        k = (t - self.params.warmup_days) // review
        if self.supplier_every is not None:
            return self._due_by_supplier(k, decision)
        if self.lane_every is None:
            return decision
        due = (k % self.lane_every) == 0
        ahead = round(self.sc.supplier_lead_days / review)
        due_hub = ((k - ahead) % self.lane_every) == 0
        if self.network is Network.SPLIT:
            due_hub = due  # split's FC orders are supplier orders
        if due.all() and due_hub.all():
            return decision
        return Decision(
            np.where(due_hub[None, :], decision.fc_order, 0.0),
            decision.hub_order,
            decision.origin_ok,
            _on_lanes(decision.fc_air_order, due_hub),
            _on_lanes(decision.fc_direct, due),
        )

    def _due_by_supplier(self, k: int, decision: Decision) -> Decision:
        """Keep supplier orders on (supplier, lane) due days, transfers on lanes'.

        Each supplier ships its own goods (split's orders, direct buys) on its
        own cadence per lane; the hub consolidates every supplier into one
        shipment per lane on the lane's cadence.
        """
        assert self.supplier_every is not None
        due = (k % self.supplier_every) == 0
        lanes = (
            np.ones(len(self.markets), dtype=bool)
            if self.lane_every is None
            else (k % self.lane_every) == 0
        )
        # Split's FC orders are supplier orders; a pooled network's are transfers.
        fc_due = due if self.network is Network.SPLIT else lanes[None, :]
        # Cross-dock buys reach the hub on a lane's due day, to leave with it.
        ahead = round(self.sc.supplier_lead_days / self.params.review_days)
        landing = (
            np.ones(len(self.markets), dtype=bool)
            if self.lane_every is None
            else ((k + ahead) % self.lane_every) == 0
        )
        return Decision(
            np.where(fc_due, decision.fc_order, 0.0),
            decision.hub_order,
            decision.origin_ok,
            _on_lanes(decision.fc_air_order, lanes),
            None
            if decision.fc_direct is None
            else np.where(due, decision.fc_direct, 0.0),
            _on_lanes(decision.fc_xdock, landing),
        )

    def transfer(
        self, t: int, order: FloatArray, air: FloatArray | None, opening: bool
    ) -> None:
        """Move FC orders (sea, air) out of the hub, pro rata when the hub is short."""
        wanted = order.sum(axis=1) + (0.0 if air is None else air.sum(axis=1))
        scale = np.where(wanted > self.hub, self.hub / np.maximum(wanted, 1e-12), 1.0)
        units = np.floor(order * scale[:, None])
        flown = None if air is None else np.floor(air * scale[:, None])
        self.hub -= units.sum(axis=1)
        if flown is not None:
            self.hub -= flown.sum(axis=1)
        if opening:
            # Opening stock is placed at the FCs before day 0 (by sea).
            placed = units if flown is None else units + flown
            self.fc += placed
            self.tally.shipped += placed
            return
        self.ship(t, units)
        if flown is not None and flown.any():
            self.ship(t, flown, air=True)

    def decide(self, t: int, opening: bool) -> None:
        """Ask the policy and apply its decision and routing mask."""
        view = self.view(t, opening)
        decision = self.policy.decide(view)
        if self.network is Network.ORIGIN:
            self.fallback = np.ones_like(self.fallback)
        elif decision.origin_ok is not None:
            self.fallback = np.asarray(decision.origin_ok, dtype=bool)
        elif self.network is Network.POOL:
            self.fallback = origin_fallback(self.sc, view.mean, view.sale_share)
        if self.sc.origin_cleared is not None:
            self.fallback = self.fallback & self.sc.origin_cleared
        self.replenish(t, self.due(t, decision, opening), opening)

    def serve(self, t: int, demand: FloatArray) -> None:
        """Serve from FCs, then shortfalls from origin where allowed, rationed."""
        served = np.minimum(self.fc, demand)
        self.fc -= served
        short = demand - served
        if self.network is Network.SPLIT:
            self.tally.serve(t, demand, served, short, None, None)
            return
        offered = np.where(self.fallback, short, 0.0)
        if self.sc.origin_max_units is not None:
            # The routing rules' parcel limits: a line too big or too valuable
            # for one origin parcel is not offered from origin at all.
            fits = short <= self.sc.origin_max_units[:, None]
            offered = np.where(fits, offered, 0.0)
        need = offered * self.keep
        wanted = need.sum(axis=1)
        scale = np.where(wanted > self.hub, self.hub / np.maximum(wanted, 1e-12), 1.0)
        origin = need * scale[:, None]
        self.hub -= origin.sum(axis=1)
        self.hub = np.maximum(self.hub, 0.0)
        covered = offered * scale[:, None]
        self.tally.serve(t, demand, served, short - covered, origin, covered - origin)


def simulate(
    scenario: Scenario,
    policy: ReplenishmentPolicy,
    params: SimParams | None = None,
    *,
    seed: int = 0,
    callbacks: SimCallbacks | None = None,
    draws: TransitDraws | None = None,
) -> SimResult:
    """Replay the scenario's demand day by day under one policy.

    Args:
        scenario: The problem (demand, economics, network).
        policy: The replenishment policy to run.
        params: Engine settings; defaults to :class:`SimParams`.
        seed: Seed of the transit-time draws (ignored when ``draws`` is given).
        callbacks: Progress receiver; defaults to no-op.
        draws: Pre-drawn transit times, so several policies share them.

    Returns:
        The run's KPIs, per-SKU costs and daily inventory by node.

    Raises:
        ValueError: when the history is not longer than ``params.warmup_days``.
    """
    params = params or SimParams()
    callbacks = callbacks or NullCallbacks()
    if scenario.days <= params.warmup_days:
        raise ValueError(
            f"scenario has {scenario.days} days, needs more than warmup_days="
            f"{params.warmup_days}"
        )
    draws = draws or draw_transits(scenario, seed)
    run = _Run(scenario, policy, params, draws)
    start, end = params.warmup_days, scenario.days
    label = policy.name
    callbacks.on_start(label, end - start)
    for t in range(start, end):
        run.arrive(t)
        if (t - start) % params.review_days == 0:
            run.decide(t, opening=t == start)
        demand = scenario.demand[t].astype(np.float64)
        run.serve(t, demand)
        run.tally.record(t, run.fc, run.hub, run.fc_transit)
        if (t - start + 1) % params.progress_every == 0:
            callbacks.on_advance(label, params.progress_every)
    callbacks.on_advance(label, (end - start) % params.progress_every)
    callbacks.on_end(label)
    return run.tally.result(policy.name, policy.network, policy.service)
