"""A held connection lease as one worker sees it: the fence before every push.

A connection's lease (``lease_owner``, ``lease_until``, ``lease_epoch`` in
``channel_connections``) says which worker may talk to the channel for it.
The database cannot stop a worker that stalled past its lease (machine load,
a long GC, a paused VM) from sending once it wakes, and a channel without
compare-and-set (Amazon) takes whatever level arrives last. So the worker
itself keeps a local deadline per lease and checks it before every request
(:meth:`Lease.guard`, installed as the HTTP client's ``guard``):

* ``valid_until`` = (monotonic time just before a renew or claim was sent) +
  ``lease_s`` - ``margin_s``. The database set ``lease_until`` = its now +
  ``lease_s`` after that moment, so ``valid_until`` comes at least
  ``margin_s`` before anybody else can claim the connection: a request sent
  before ``valid_until`` lands before the next holder's first one (loopback
  or LAN latency is far below the margin).
* Past ``valid_until`` the guard waits for the heartbeat's next renewal (which
  only succeeds while the epoch is still this lease's: nobody else held the
  connection in between, so nobody else sent) and raises :class:`LeaseLost`
  when the renewal fails or does not come within a lease.

What stays open: a stall longer than ``margin_s`` between the guard's check
and the request's bytes reaching the channel. Only the channel can close that
(a compare-and-set or a fencing token it checks); this closes the window of a
whole batch (claim, ATP read, push, retries) down to that instant.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from worldpool.connectors.errors import LeaseLost
from worldpool.connectors.sync import token_of

__all__ = ["Lease"]


class Lease:
    """One held lease: its fencing token and this process's deadline for it.

    Args:
        row: The connection row the claim returned (``id``, ``lease_owner``,
            ``lease_epoch``).
        lease_s: Lease length, in seconds.
        started: ``time.monotonic()`` taken just before the claim was sent.
        margin_s: Safety margin before the lease end, in seconds (default a
            quarter lease).
    """

    def __init__(
        self,
        row: dict[str, Any],
        lease_s: float,
        started: float,
        margin_s: float | None = None,
    ) -> None:
        self.connection_id = int(row["id"])
        self.epoch = int(row["lease_epoch"])
        self.token = str(token_of(row))
        """The fencing token recorded on the outbox rows this lease claims."""
        self.lease_s = lease_s
        self.margin_s = lease_s / 4 if margin_s is None else margin_s
        self.valid_until = started + lease_s - self.margin_s
        self.beat = time.monotonic()
        self.short = False
        """Held for a short turn (a spare's or a takeover's): given back so
        that idle slots elsewhere take the connection first."""
        """Last sign of life of the holding slot (monotonic seconds)."""
        self._lost = threading.Event()
        self._renewed = threading.Condition()

    @property
    def lost(self) -> bool:
        """True once a renewal found the connection held by another lease."""
        return self._lost.is_set()

    def renewed(self, started: float) -> None:
        """Note a renewal sent at monotonic ``started`` that succeeded."""
        with self._renewed:
            self.valid_until = max(
                self.valid_until, started + self.lease_s - self.margin_s
            )
            self._renewed.notify_all()

    def lose(self) -> None:
        """Note that the lease is gone: every later :meth:`guard` raises."""
        self._lost.set()
        with self._renewed:
            self._renewed.notify_all()

    def ok(self) -> bool:
        """True while a request sent now lands inside the lease."""
        return not self.lost and time.monotonic() < self.valid_until

    def guard(self) -> None:
        """Return when a request may go now; raise :class:`LeaseLost` otherwise.

        Waits up to one lease for the heartbeat to renew a lease near its end.
        """
        give_up = time.monotonic() + self.lease_s
        with self._renewed:
            while not self.ok():
                left = give_up - time.monotonic()
                if self.lost or left <= 0:
                    raise LeaseLost(f"lease {self.token} ended: not sending")
                self._renewed.wait(min(left, 0.05))
