"""Progress hooks of the planner: a no-op base class the CLI overrides."""

from __future__ import annotations

__all__ = ["PlanCallbacks"]


class PlanCallbacks:
    """Called by :func:`worldpool.plan.solve` between phases; does nothing here.

    The core never prints: the CLI passes a subclass that drives a Rich
    progress bar, the benchmark one that records times.
    """

    def on_phase(self, name: str, done: int, total: int) -> None:
        """Report that phase ``name`` starts; ``done`` of ``total`` phases finished."""

    def on_phase_end(self, name: str, seconds: float) -> None:
        """Report that phase ``name`` took ``seconds`` of wall time, in seconds."""
