"""Progress callbacks: the core reports through these and never prints."""

from __future__ import annotations

from typing import Protocol

__all__ = ["NullCallbacks", "SimCallbacks"]


class SimCallbacks(Protocol):
    """Receives progress of simulation runs (a CLI passes a Rich progress bar)."""

    def on_start(self, label: str, total_days: int) -> None:
        """A run named ``label`` starts; it will simulate ``total_days`` days."""
        ...

    def on_advance(self, label: str, days: int) -> None:
        """The run ``label`` simulated ``days`` more days."""
        ...

    def on_end(self, label: str) -> None:
        """The run ``label`` finished."""
        ...


class NullCallbacks:
    """Callbacks that do nothing (the default)."""

    def on_start(self, label: str, total_days: int) -> None:
        """Ignore the start of a run."""

    def on_advance(self, label: str, days: int) -> None:
        """Ignore progress."""

    def on_end(self, label: str) -> None:
        """Ignore the end of a run."""
