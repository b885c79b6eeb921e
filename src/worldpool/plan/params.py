"""Settings of the planner: one frozen value, checked on creation, read from TOML."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from worldpool.errors import InputError

__all__ = ["PlanParams"]


@dataclass(frozen=True, slots=True)
class PlanParams:
    """Policy and solver settings of one planning run.

    The defaults follow ``docs/how-to/planning.md``: a weekly review, 20 % of
    buyers lost when the promise is slow (the announced same-/next-day uplift),
    15 % a year cost of capital.
    """

    review_days: int = 7
    """Review period between two plans, in days. [R]"""
    ffo_lost_share: float = 0.20
    """Share of buyers who will not wait for a fulfil-from-origin promise. [d]"""
    capital_rate_year: float = 0.15
    """Yearly cost of capital tied up in stock or in transit, as a fraction. [r]"""
    max_service: float = 0.995
    """Highest critical ratio a target may use (caps heavy tails). [CR_max]"""
    hub_service: float | None = None
    """Critical ratio of the echelon (hub) target; None = margin-based newsvendor."""
    correlation: float = 0.0
    """Demand correlation between markets for the pooled hub buffer. [rho]"""
    launch_min_days: int = 28
    """Days of sales history a new (SKU, market) needs before forward stock, in days."""
    launch_min_units: float = 5.0
    """Units sold in a market before forward stock is considered, in units."""
    min_line_units: int = 1
    """Smallest transfer line worth shipping, in units."""
    min_shipment_m3: float = 0.0
    """Smallest consolidated shipment per (FC, mode), in m³; 0 disables the MIP."""
    lp: bool = True
    """Couple FC capacity, budget and shipment minimums in a HiGHS LP/MIP."""
    lp_max_columns: int = 50_000
    """Above this many LP columns, columns are aggregated into value buckets."""
    lp_buckets: int = 24
    """Value-density buckets per (FC, resource) axis when aggregating."""
    lp_time_limit_s: float = 60.0
    """Wall-clock limit of the HiGHS run, in seconds."""
    chunk_pairs: int = 262_144
    """Pairs evaluated per vectorised chunk (bounds peak memory)."""

    def __post_init__(self) -> None:
        checks: dict[str, bool] = {
            "review_days": self.review_days >= 1,
            "ffo_lost_share": 0.0 <= self.ffo_lost_share <= 1.0,
            "capital_rate_year": self.capital_rate_year >= 0.0,
            "max_service": 0.0 < self.max_service < 1.0,
            "hub_service": self.hub_service is None or 0.0 < self.hub_service < 1.0,
            "correlation": 0.0 <= self.correlation <= 1.0,
            "launch_min_days": self.launch_min_days >= 0,
            "launch_min_units": self.launch_min_units >= 0.0,
            "min_line_units": self.min_line_units >= 1,
            "min_shipment_m3": self.min_shipment_m3 >= 0.0,
            "lp_max_columns": self.lp_max_columns >= 100,
            "lp_buckets": self.lp_buckets >= 2,
            "lp_time_limit_s": self.lp_time_limit_s > 0.0,
            "chunk_pairs": self.chunk_pairs >= 1,
        }
        for name, ok in checks.items():
            if not ok:
                raise InputError(
                    "out of range",
                    record="PlanParams",
                    field=name,
                    value=getattr(self, name),
                )

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> PlanParams:
        """Return params from a mapping (e.g. a TOML ``[plan]`` table).

        Raises:
            InputError: on an unknown key or an out-of-range value.
        """
        known = {f.name for f in fields(cls)}
        for key in values:
            if key not in known:
                raise InputError("unknown setting", record="[plan]", field=key)
        return cls(**values)

    @classmethod
    def from_toml(cls, path: str | Path, section: str = "plan") -> PlanParams:
        """Return params from the ``[plan]`` table of a TOML file (missing = defaults).

        Raises:
            InputError: on an unknown key or an out-of-range value.
        """
        with Path(path).open("rb") as fh:
            data = tomllib.load(fh)
        table = data.get(section, {})
        if not isinstance(table, dict):
            raise InputError("must be a table", record=str(path), field=section)
        return cls.from_mapping(table)
