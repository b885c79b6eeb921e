"""Which sync workers are alive: each holds a PostgreSQL advisory lock for its life.

A worker killed outright (SIGKILL, OOM, a lost machine) keeps its connection
leases until they run out (``lease_s``, 2 s). Its database sessions end with
it, though, and PostgreSQL releases a session's advisory locks at once. So
each worker holds one, keyed by its name, on a session of its own; a claim
takes a connection whose holder's lock is gone without waiting for the lease
(:func:`~worldpool.ledger.connections.claim_connection_on` with
``dead_holders``). Only names shaped like a worker's (``host:pid:tag``) count:
a holder that never took a lock is judged by its lease alone. A worker that
is alive but stalled keeps its lock, and its leases still end by time. On
SQLite (one process) there is nothing to do.

A live worker whose lock session broke (a database restart) looks dead until
its next heartbeat takes the lock again; its leases may be taken over
meanwhile, which the lease fence makes safe (it then sends nothing more).
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, text

from worldpool.ledger.connection_leases import LIVENESS_KEY_SQL

__all__ = ["LivenessLock"]


class LivenessLock:
    """The advisory lock that says this worker is alive (PostgreSQL only).

    Args:
        engine: The worker's engine.
        name: The worker's name (its lease owner name).
    """

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name
        self._conn: Any = None
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """True on PostgreSQL."""
        return self.engine.dialect.name == "postgresql"

    def ensure(self) -> bool:
        """Hold the lock (take it again if its session broke); True when held."""
        if not self.enabled:
            return False
        with self._lock:
            try:
                if self._conn is not None:
                    self._conn.exec_driver_sql("select 1")
                    return True
            except Exception:  # the session broke: a new one below
                self._drop()
            try:
                conn = self.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                )
                sql = f"select pg_advisory_lock({LIVENESS_KEY_SQL.format(name=':n')})"
                conn.execute(text(sql), {"n": self.name})
            except Exception:
                return False
            self._conn = conn
            return True

    def release(self) -> None:
        """Give the lock up (the worker is stopping)."""
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        """End the lock's session (not back to the pool: that would keep it)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()
                conn.close()
            except Exception:  # already broken
                return
