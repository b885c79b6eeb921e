"""How a sync worker paces itself (:class:`WorkerParams`); see :mod:`.worker`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["WorkerParams"]


@dataclass(frozen=True, slots=True)
class WorkerParams:
    """How a worker paces itself."""

    slots: int = 8
    """Connections worked at once (threads)."""
    spare_slots: int | None = None
    """Most spare slots at once, started only to take over connections whose
    lease ran out while every slot is busy (None: as many as ``slots``)."""
    lease_s: float = 2.0
    """Connection lease; a dead worker's connections are free after it."""
    poll_interval_s: float = 0.5
    """Pause between order polls of one connection, in seconds."""
    feed_interval_s: float = 0.25
    """Pause between stock-feed scans, in seconds."""
    idle_s: float = 0.05
    """Sleep of a slot with nothing to do, in seconds."""
    batch: int = 2000
    """Outbox rows claimed per batch."""
    turn_s: float = 30.0
    """A slot gives its connection back after this long (rotation), in seconds,
    when another connection waits for a slot (else its turn goes on)."""
    spare_turn_s: float = 3.0
    """A spare slot gives its connection back after this long, in seconds."""
    handoff_s: float = 0.5
    """Seconds a given-back connection is left to idle slots (any worker's)
    before a busy worker's scout takes it for a spare slot."""
    seed: int | None = None
    """Seed of the jitter (None: random)."""
    carrier_interval_s: float = 0.5
    """Pause between passes over the carrier accounts' label outbox, in seconds."""
    tracking_interval_s: float = 60.0
    """Pause between tracking pulls of each carrier account, in seconds."""

    def __post_init__(self) -> None:
        """Check the values are usable."""
        if self.slots < 1 or self.lease_s <= 0 or self.batch < 1:
            raise ValueError("slots, lease_s and batch must be positive")
        if self.spare_slots is not None and self.spare_slots < 0:
            raise ValueError("spare_slots must not be negative")

    @property
    def spares(self) -> int:
        """Most spare slots at once."""
        return self.slots if self.spare_slots is None else self.spare_slots
