"""Allocation and replenishment planning from one global pool.

Pure and vectorised (NumPy + HiGHS); the digital twin calls :func:`solve`,
:func:`targets` and :func:`allocate` directly. Only ``service.py`` touches the
ledger.
"""

from worldpool.plan.allocate import allocate, round_to_packs
from worldpool.plan.callbacks import PlanCallbacks
from worldpool.plan.params import PlanParams
from worldpool.plan.problem import PlanProblem
from worldpool.plan.replenish import HubOrders, hub_orders
from worldpool.plan.result import MarketLine, OrderLine, Plan, TransferLine
from worldpool.plan.solve import solve
from worldpool.plan.targets import Reason, Targets, targets

__all__ = [
    "HubOrders",
    "MarketLine",
    "OrderLine",
    "Plan",
    "PlanCallbacks",
    "PlanParams",
    "PlanProblem",
    "Reason",
    "Targets",
    "TransferLine",
    "allocate",
    "hub_orders",
    "round_to_packs",
    "solve",
    "targets",
]
