"""SimResult: what one simulation run returns."""

from __future__ import annotations

from dataclasses import dataclass

from worldpool.sim.kpi import Kpis
from worldpool.sim.protocol import Network
from worldpool.sim.scenario import FloatArray

__all__ = ["SimResult"]


@dataclass(frozen=True, slots=True, eq=False)
class SimResult:
    """One policy run over a scenario: KPIs, per-SKU cost and daily stock by node."""

    policy: str
    """Policy name."""
    network: Network
    """Stock layout the engine applied."""
    service: float
    """Service target the policy ran with (critical ratio)."""
    kpis: Kpis
    """The run's key figures."""
    sku_cost: FloatArray
    """Total cost per SKU (S), in the scenario currency (for the oracle gap)."""
    start_day: int
    """Index of the first simulated day (after warm-up)."""
    fc_units: FloatArray
    """End-of-day FC units per simulated day and market (N, M)."""
    fc_value: FloatArray
    """End-of-day FC value at unit cost (N, M)."""
    hub_units: FloatArray
    """End-of-day hub units per simulated day (N)."""
    hub_value: FloatArray
    """End-of-day hub value at unit cost (N)."""
    transit_value: FloatArray
    """Value at sea per simulated day (N)."""

    def summary(self) -> str:
        """Return a one-line summary: fill rate, stock-outs, inventory, cost."""
        k = self.kpis
        return (
            f"{self.policy} (service {self.service:.3f}): fill {k.fill_rate:.1%}, "
            f"stock-outs {k.stockout_rate:.1%}, on hand {k.avg_on_hand_value:,.0f}, "
            f"turns {k.turnover:.1f}/yr, total cost {k.total_cost:,.0f}"
        )

    def to_dict(self) -> dict[str, object]:
        """Return the run as plain data (KPIs, no daily arrays)."""
        return {
            "policy": self.policy,
            "network": str(self.network),
            "service": self.service,
            "kpis": self.kpis.to_dict(),
        }
