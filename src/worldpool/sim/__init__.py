"""The digital twin: simulate fulfilment policies on real demand.

``scenario_from_frame`` turns a long demand frame into a :class:`Scenario`;
``simulate`` runs one :class:`ReplenishmentPolicy` day by day; ``compare``
runs several at equal service against the legacy split and bounds them with
the clairvoyant LP (``solve_oracle``). Needs the ``ml`` extra (NumPy, pandas,
HiGHS for the bound). Constants live in their modules:
``worldpool.sim.build.COUNTRY_TO_MARKETPLACE``, ``worldpool.sim.kpi.DELIVERY_BUCKETS``
and ``worldpool.sim.compare.POINTS``.
"""

from worldpool.sim.build import (
    BuildParams,
    read_demand,
    scenario_from_frame,
)
from worldpool.sim.callbacks import NullCallbacks, SimCallbacks
from worldpool.sim.compare import Comparison, compare
from worldpool.sim.echelon import PooledTargets, pooled_targets
from worldpool.sim.engine import simulate
from worldpool.sim.foresight import Foresight
from worldpool.sim.kpi import Kpis
from worldpool.sim.oracle import OracleResult, solve_oracle
from worldpool.sim.params import CompareParams, SimParams
from worldpool.sim.policies import EchelonPolicy, FfoPolicy, SplitPolicy
from worldpool.sim.pool import PoolPolicy, plan_problem
from worldpool.sim.protocol import Decision, Network, PolicyView, ReplenishmentPolicy
from worldpool.sim.result import SimResult
from worldpool.sim.scenario import Scenario, TransitDraws, draw_transits
from worldpool.sim.suppliers import (
    supplier_index,
    supplier_review_days,
    with_suppliers,
)
from worldpool.sim.synthetic import synthetic_scenario
from worldpool.sim.topology import (
    Topology,
    apply_topology,
    lane_review_days,
    load_topologies,
    with_cadence,
)

__all__ = [
    "BuildParams",
    "CompareParams",
    "Comparison",
    "Decision",
    "EchelonPolicy",
    "FfoPolicy",
    "Foresight",
    "Kpis",
    "Network",
    "NullCallbacks",
    "OracleResult",
    "PolicyView",
    "PoolPolicy",
    "PooledTargets",
    "ReplenishmentPolicy",
    "Scenario",
    "SimCallbacks",
    "SimParams",
    "SimResult",
    "SplitPolicy",
    "Topology",
    "TransitDraws",
    "apply_topology",
    "compare",
    "draw_transits",
    "lane_review_days",
    "load_topologies",
    "plan_problem",
    "pooled_targets",
    "read_demand",
    "scenario_from_frame",
    "simulate",
    "solve_oracle",
    "supplier_index",
    "supplier_review_days",
    "synthetic_scenario",
    "with_cadence",
    "with_suppliers",
]
