"""``worldpool sync run``: the long-running sync worker, with health and metrics.

Each worker runs ``slots`` threads. A slot leases one connection at a time
(leases are taken ``FOR UPDATE SKIP LOCKED`` and expire, so any number of
workers share the connections and a killed worker's connections are taken
over when its leases end), polls its orders and delivers its outbox. One feed
thread per seller turns journal changes into stock levels. ``/healthz`` and
``/metrics`` (Prometheus text) are served on ``health_port`` when given
(:mod:`worldpool.connectors.worker_health`).

Leases: one heartbeat thread renews every lease the worker holds, a fifth of
a lease apart, in one statement, so a slot busy in a long poll or push keeps
its connection; each lease is also this process's fence
(:class:`~worldpool.connectors.leases.Lease`): no request goes for a
connection once its lease may have ended, and a lost lease settles nothing.

A worker killed outright is known dead at once on PostgreSQL: it held an
advisory lock for its life (:mod:`worldpool.connectors.liveness`), and its
connections are claimed without waiting for their leases to run out.

Takeover while busy: when every slot holds a connection, a scout thread
starts a spare slot (up to ``spare_slots``) for each connection whose lease
ran out without being given back; a spare works it for ``spare_turn_s``,
gives it back and ends. A connection given back by a spare is left
``handoff_s`` to idle slots (any worker's, say a replacement's) before the
scout takes it again: the survivor does not work the dead worker's
connections in its one process (one GIL) while the replacement idles. A
regular slot's turn ends only when a connection waits for a slot (rotating
only moved connections to workers whose connectors were cold).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from random import Random
from typing import TYPE_CHECKING, Any

from worldpool.connectors import sync, worker_health, worker_loops
from worldpool.connectors.buffers import BufferRule, load_buffer_rules
from worldpool.connectors.errors import ChannelError
from worldpool.connectors.inflight import ChannelView
from worldpool.connectors.leases import Lease
from worldpool.connectors.liveness import LivenessLock
from worldpool.connectors.worker_params import WorkerParams
from worldpool.errors import WorldpoolError

if TYPE_CHECKING:
    from worldpool.context import Context

__all__ = ["Worker", "WorkerParams"]

log = logging.getLogger("worldpool.sync")
"""The worker's event log: leases taken and given back, takeovers, errors
(exception class and message; provider messages never carry credentials).
``worldpool sync run --log-level info`` sends it to stderr."""


class Worker:
    """One sync worker process (see the module docstring).

    Args:
        ctx: A ``system`` context; the worker acts for each connection's seller.
        params: Pacing.
        rules: Stock buffer rules (default: the packaged editable defaults).
    """

    def __init__(
        self,
        ctx: Context,
        params: WorkerParams | None = None,
        rules: tuple[BufferRule, ...] | None = None,
    ) -> None:
        self.ctx = ctx
        self.params = params or WorkerParams()
        self.rules = rules if rules is not None else load_buffer_rules()
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stop = threading.Event()
        self.counters: Counter[str] = Counter()
        self.lags: list[float] = []
        self.last_loop = time.monotonic()
        self._leases: dict[int, Lease] = {}
        self._spares: list[threading.Thread] = []
        self._given_back: dict[int, float] = {}
        self._providers: dict[int, tuple[Any, Any]] = {}
        self._views: dict[int, tuple[str | None, ChannelView]] = {}
        self._lock = threading.Lock()
        self._rng = Random(self.params.seed)
        self.on_delivery: Callable[[sync.DeliveryReport], None] | None = None
        self.liveness = LivenessLock(ctx.engine, self.name)

    # -- loop -------------------------------------------------------------
    def run(
        self, duration_s: float | None = None, health_port: int | None = None
    ) -> None:
        """Work until ``stop`` is set (or ``duration_s`` passes)."""
        server = None if health_port is None else worker_health.serve(self, health_port)
        self.liveness.ensure()  # before the first claim: others see it alive
        threads = [
            threading.Thread(target=self._slot, name=f"slot-{i}", daemon=True)
            for i in range(self.params.slots)
        ]
        for name in ("feed", "carriers", "heartbeat", "scout"):
            target = getattr(self, f"_{name}")
            threads.append(threading.Thread(target=target, name=name, daemon=True))
        for th in threads:
            th.start()
        self.stop.wait(duration_s)
        self.stop.set()
        with self._lock:
            clients = [http for _p, http in self._providers.values()]
        for http in clients:
            http.abort()
        for th in threads:
            th.join()
        for th in list(self._spares):  # no new ones once the scout stopped
            th.join()
        for _provider, http in self._providers.values():
            for key, value in http.stats.items():
                self._count(f"http:{key}", value)
            http.close()
        self.liveness.release()
        if server is not None:
            server.shutdown()
            server.server_close()

    def _feed(self) -> None:
        worker_loops.feed_loop(self)

    def _carriers(self) -> None:
        worker_loops.carrier_loop(self)

    def _sellers(self) -> list[str]:
        return sync.sellers(self.ctx)

    def _slot(self) -> None:
        while not self.stop.is_set():
            row, started = self._claim(orphans_only=False)
            if row is None:
                self.stop.wait(self.params.idle_s * 4)
                continue
            self._hold(row, started)

    def _claim(self, *, orphans_only: bool) -> tuple[dict[str, Any] | None, float]:
        """Lease a connection this worker does not hold; (row or None, sent at)."""
        now = time.monotonic()
        with self._lock:
            # Not what this worker gave back within handoff_s: idle slots
            # elsewhere go first (its scout takes it back after that).
            recent = [
                c
                for c, at in self._given_back.items()
                if now - at < self.params.handoff_s
            ]
            exclude = tuple(self._leases) + tuple(recent)
        started = time.monotonic()
        try:
            row = sync.claim(
                self.ctx,
                self.name,
                self.params.lease_s,
                exclude,
                orphans_only=orphans_only,
                given_back_s=self.params.handoff_s if orphans_only else None,
                dead_holders=True,
            )
        except Exception:
            self._count("claim_errors")
            return None, started
        return row, started

    def _hold(
        self, row: dict[str, Any], started: float, turn_s: float | None = None
    ) -> None:
        """Work one claimed connection for a turn (``turn_s``), then give it back."""
        lease = Lease(row, self.params.lease_s, started)
        lease.short = turn_s is not None and turn_s < self.params.turn_s
        with self._lock:
            self._leases[lease.connection_id] = lease
        log.info(
            "%s: leased (epoch %s%s)",
            row["name"],
            row.get("lease_epoch"),
            ", taken over" if row.get("taken_over") else "",
        )
        try:
            self._work(row, lease, self.params.turn_s if turn_s is None else turn_s)
        except Exception as exc:  # a DB or provider hiccup must not kill the slot
            self._count("slot_errors")
            log.warning("%s: slot error %s", row["name"], _why(exc))
            self.stop.wait(self.params.idle_s)
        finally:
            self._give_back(lease)
            log.info("%s: given back%s", row["name"], " (lost)" if lease.lost else "")

    def _give_back(self, lease: Lease) -> None:
        # Forget it first, and only this lease: once released, another slot
        # may hold the connection under a new lease at once.
        with self._lock:
            if self._leases.get(lease.connection_id) is lease:
                del self._leases[lease.connection_id]
            if lease.short:  # a spare's or a takeover's turn: others go first
                self._given_back[lease.connection_id] = time.monotonic()
        try:
            sync.release(self.ctx, lease.connection_id, self.name, lease.epoch)
        except Exception:  # the lease then simply expires
            self._count("release_errors")

    def held_count(self) -> int:
        """How many connections this worker holds now."""
        with self._lock:
            return len(self._leases)

    def _heartbeat(self) -> None:
        """Renew every held lease a fifth of a lease apart; mark lost ones."""
        stall_s = max(self.params.turn_s, 10 * self.params.lease_s)
        while not self.stop.wait(self.params.lease_s / 5):
            self.liveness.ensure()
            with self._lock:
                leases = [x for x in self._leases.values() if not x.lost]
            # A slot silent for a whole turn is stuck: let its lease run out.
            now = time.monotonic()
            live = {x.connection_id: x.epoch for x in leases if now - x.beat < stall_s}
            started = time.monotonic()
            try:
                kept = sync.renew_many(self.ctx, self.name, live, self.params.lease_s)
            except Exception:  # the guard waits for the next beat
                self._count("renew_errors")
                continue
            for x in leases:
                if x.connection_id in kept:
                    x.renewed(started)
                elif x.connection_id in live:
                    x.lose()
                    self._count("leases_lost")

    def _scout(self) -> None:
        """Take over orphaned connections with spare slots while all slots are busy."""
        while not self.stop.wait(self.params.idle_s * 4):
            with self._lock:
                self._spares = [t for t in self._spares if t.is_alive()]
                running = self.params.slots + len(self._spares)
                wanted = len(self._leases) >= running
                room = len(self._spares) < self.params.spares
            if not (wanted and room):
                continue  # an idle slot claims it, or no room for a spare
            row, started = self._claim(orphans_only=True)
            if row is None:
                continue
            self._count("spare_takeovers" if row.get("taken_over") else "spare_turns")
            spare = threading.Thread(
                target=self._hold,
                args=(row, started, self.params.spare_turn_s),
                name="spare",
                daemon=True,
            )
            with self._lock:
                self._spares.append(spare)
            spare.start()

    def _work(self, row: dict[str, Any], lease: Lease, turn_s: float) -> None:
        """Hold one connection: poll its orders here, deliver its outbox beside.

        The heartbeat renews the lease (and each poll does, refreshing the
        row); the connection is given back after ``turn_s`` so that other
        workers get a turn when there are more connections than slots.
        """
        cid = int(row["id"])
        try:
            provider = self._provider(row)
        except WorldpoolError:
            self._count("open_errors")
            return
        with self._lock:
            self._providers[cid][1].guard = lease.guard
        if row.get("taken_over"):
            # Its last holder died (or stalled) mid-batch: free the rows it had
            # claimed now rather than after their claim lease (a 30 s gap).
            self._count("taken_over")
            self._count("outbox_unclaimed", sync.unclaim(self.ctx, row))
        done = threading.Event()
        view = self._view(row)
        beside = threading.Thread(
            target=self._deliver_loop,
            args=(row, provider, view, done, lease),
            daemon=True,
        )
        beside.start()
        turn_end = time.monotonic() + turn_s
        try:
            while not (self.stop.is_set() or done.is_set()):
                report = sync.poll_orders(self.ctx, row, provider, view)
                self._count("orders_ingested", report.ingested)
                self._count("poll_errors", report.error is not None)
                if report.error is not None:
                    log.warning("%s: poll error %s", row["name"], report.error)
                lease.beat = started = time.monotonic()
                fresh = sync.renew(
                    self.ctx, cid, self.name, self.params.lease_s, lease.epoch
                )
                if fresh is None:
                    lease.lose()
                    break  # taken over
                lease.renewed(started)
                if time.monotonic() > turn_end:
                    if lease.short or self._waiting():
                        break  # turn over
                    turn_end = time.monotonic() + turn_s  # nobody waits: go on
                row = fresh
                if not report.more:
                    self.stop.wait(self.params.poll_interval_s)
        finally:
            done.set()
            beside.join()
            with self._lock:
                self._views[cid] = (row.get("cursor"), view)

    def _waiting(self) -> bool:
        """True when some connection waits for a slot (a turn then ends).

        With no connection waiting, rotating only moves a connection to a
        worker whose connector is cold (no SKU ids, a fresh view); a query
        error counts as waiting (rotate, as before).
        """
        try:
            return sync.unheld(self.ctx) > 0
        except Exception:
            return True

    def _view(self, row: dict[str, Any]) -> ChannelView:
        """This worker's view of the channel, kept while nobody else polled it.

        If the connection's cursor moved since this worker gave it back,
        another worker ingested orders in between: the expectations go (the
        sales rate stays, it is the channel's, not the worker's).
        """
        with self._lock:
            cursor, view = self._views.get(int(row["id"]), (None, ChannelView()))
        if cursor is None or cursor != row.get("cursor"):
            view.reset()
        return view

    def _provider(self, row: dict[str, Any]) -> Any:
        # One connector per connection for the worker's life: it keeps its
        # token, its SKU -> item id cache and its pooled HTTP connections.
        cid = int(row["id"])
        with self._lock:
            hit = self._providers.get(cid)
        if hit is None:
            hit = sync.open_provider(self.ctx, row, rng=self._rng)
            with self._lock:
                self._providers[cid] = hit
        return hit[0]

    def _deliver_loop(
        self,
        row: dict[str, Any],
        provider: Any,
        view: ChannelView,
        done: threading.Event,
        lease: Lease,
    ) -> None:
        try:
            while not (self.stop.is_set() or done.is_set() or lease.lost):
                lease.beat = time.monotonic()
                try:
                    busy = self._deliver(row, provider, view)
                except Exception as exc:  # keep delivering through DB hiccups
                    self._count("delivery_errors")
                    log.warning("%s: delivery error %s", row["name"], _why(exc))
                    busy = False
                    try:  # the broken batch's rows go again at once
                        sync.unclaim(self.ctx, row, own=True)
                    except Exception:  # then they wait for their claim lease
                        self._count("unclaim_errors")
                if not busy:
                    self.stop.wait(self.params.idle_s)
        finally:
            done.set()  # stop the poller too (lease lost, or stopping)
            with self._lock:
                http = self._providers[int(row["id"])][1]
            http.release()

    def _deliver(self, row: dict[str, Any], provider: Any, view: ChannelView) -> bool:
        try:
            report = sync.deliver_outbox(
                self.ctx,
                row,
                provider,
                limit=self.params.batch,
                rng=self._rng,
                rules=self.rules,
                view=view,
            )
        except ChannelError as exc:
            self._count("delivery_errors")
            log.warning("%s: delivery error %s", row["name"], _why(exc))
            sync.unclaim(self.ctx, row, own=True)  # its rows go again at once
            return False
        self._count("outbox_delivered", report.delivered)
        self._count("outbox_superseded", report.superseded)
        self._count("outbox_retried", report.retried)
        self._count("outbox_dead", report.dead)
        with self._lock:
            self.lags.extend(report.lag_s)
            del self.lags[:-10000]
        if self.on_delivery is not None:
            self.on_delivery(report)
        return bool(report.delivered or report.superseded)

    def _count(self, key: str, n: int | bool = 1) -> None:
        if n:
            with self._lock:
                self.counters[key] += int(n)

    def metrics_text(self) -> str:
        """Return this worker's Prometheus metrics, with every connection's queue."""
        return worker_health.metrics_text(self)


def _why(exc: BaseException) -> str:
    """An exception as ``Class: first line`` (at most 200 characters), for the log."""
    first = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first[:200]}"
