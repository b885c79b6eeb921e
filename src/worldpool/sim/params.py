"""Settings of the twin's engine and of the equal-service comparison."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CompareParams", "SimParams"]


@dataclass(frozen=True, slots=True)
class SimParams:
    """Settings of one simulation run."""

    review_days: int = 7
    """Days between replenishment decisions. [R]"""
    warmup_days: int = 91
    """Days of history used only to estimate demand before the first decision."""
    window_days: int = 91
    """Trailing window of the demand mean/variance estimates, in days (<= warmup)."""
    progress_every: int = 30
    """Report progress every this many simulated days."""

    def __post_init__(self) -> None:
        if self.review_days < 1:
            raise ValueError(f"review_days={self.review_days} must be >= 1")
        if not 1 <= self.window_days <= self.warmup_days:
            raise ValueError(
                f"need 1 <= window_days <= warmup_days, got {self.window_days}, "
                f"{self.warmup_days}"
            )
        if self.progress_every < 1:
            raise ValueError(f"progress_every={self.progress_every} must be >= 1")


@dataclass(frozen=True, slots=True)
class CompareParams:
    """Settings of the equal-service comparison (tuning by bisection)."""

    service_low: float = 0.05
    """Lowest service target searched (critical ratio)."""
    service_high: float = 0.999
    """Highest service target searched (critical ratio)."""
    service_limit: float = 1e-8
    """How close to 0 or 1 the search for an equal-fill or equal-inventory
    point may widen past ``service_low``/``service_high`` when the baseline's
    figure is not reached inside them (critical ratio in [limit, 1 - limit]);
    0 keeps the search inside the two bounds."""
    iterations: int = 10
    """Bisection / golden-section steps per tuned figure."""
    oracle_skus: int = 30
    """SKUs sampled for the clairvoyant LP (0 = skip the oracle)."""

    def __post_init__(self) -> None:
        if not 0.0 < self.service_low < self.service_high < 1.0:
            raise ValueError(
                f"need 0 < service_low < service_high < 1, got {self.service_low}, "
                f"{self.service_high}"
            )
        if not 0.0 <= self.service_limit < self.service_low:
            raise ValueError(
                f"need 0 <= service_limit < service_low, got {self.service_limit}"
            )
        if self.iterations < 1:
            raise ValueError(f"iterations={self.iterations} must be >= 1")
        if self.oracle_skus < 0:
            raise ValueError(f"oracle_skus={self.oracle_skus} must be >= 0")
