"""Sending a batch of stock levels to one connection (the outbox's stock rows).

The feed's rows say WHICH SKUs changed; the level each SKU gets is computed
again here, just before sending (ATP as it is after the latest ingested
sales, see :func:`worldpool.connectors.feed.current_levels`). With the
holding slot's :class:`~worldpool.connectors.inflight.ChannelView`:

* on a connector that can compare-and-set, each level carries ``expected``;
  a SKU the channel reports stale (it sold units not ingested yet) goes back
  to the outbox as a new row, due after the next poll, and the rest is
  delivered;
* otherwise the units the channel is likely to sell while the level is in
  flight are held back, and the SKU goes again once the hold may have
  shrunk (so a level never stays held back after the sales stop).

Exactly once: a row is settled ``delivered`` in the transaction that records
what went out; a stale SKU's retry row is enqueued in that same transaction,
which first checks (and locks) that the rows are still claimed under this
worker's lease: one that lost its lease mid-batch writes nothing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from worldpool.connectors.backoff import delay_s
from worldpool.connectors.buffers import BufferRule
from worldpool.connectors.errors import ChannelError, PushIncomplete
from worldpool.connectors.feed import STOCK_TOPIC, current_levels
from worldpool.connectors.inflight import ChannelView
from worldpool.connectors.provider import Provider, StockPush
from worldpool.context import Context
from worldpool.ledger.outbox_queue import (
    enqueue_many_on,
    repin_published_on,
    retry_outbox_on,
    settle_outbox_on,
    still_claimed_on,
)

__all__ = [
    "StockBatch",
    "coalesce",
    "defer",
    "entry",
    "push_stock_rows",
    "retry_rows",
]

RETRY_AFTER_STALE_S = 0.3
"""A stale SKU is sent again after this long (the next poll ingests the sale)."""

DEFER_UP_TO = 4
"""A batch of more than this many pushes' worth of SKUs is not split."""

SCARCE_LEVEL = 50
"""Levels at most this go first when a push is split (the default buffer rule
splits a SKU between channels at <= 50 units: the oversell risk is there)."""


@dataclass(slots=True)
class StockBatch:
    """One claimed batch of a connection's stock rows, coalesced per SKU."""

    dest: str
    """Connection name."""
    rows: list[dict[str, Any]]
    """The claimed outbox rows."""
    send: list[dict[str, Any]]
    """Newest entry per (SKU, market) (see :func:`entry`)."""
    dropped: int
    """Entries overtaken by a newer one."""
    stale: list[dict[str, Any]] = field(default_factory=list)
    """Entries the channel refused as stale."""
    entries: list[dict[str, Any]] = field(default_factory=list)
    """Every entry of the rows, before coalescing (kept for :func:`defer`)."""
    later: list[dict[str, Any]] = field(default_factory=list)
    """Entries left for the next push (see :func:`defer`)."""


def defer(batch: StockBatch, limit: int | None) -> None:
    """Keep at most ``limit`` SKUs in ``batch.send``; the rest wait in ``later``.

    A connector that sets few SKUs a second (TikTok Shop: one call a product)
    would take many seconds over a big batch, every level computed at its
    start. Smaller pushes compute levels nearer the call and let a change
    that came during the push go next. The scarcest levels go first (at most
    :data:`SCARCE_LEVEL`), then the SKUs waiting longest (their oldest change
    not yet shown); a deferred SKU keeps every change time it had. A batch
    over :data:`DEFER_UP_TO` limits goes whole (far behind, every deferral
    would rewrite a growing backlog: one big push coalesces the most).
    """
    if limit is None or not limit < len(batch.send) <= DEFER_UP_TO * limit:
        return  # small enough, or too far behind: one push of all
    since: dict[str, datetime] = {}
    for e in batch.entries:
        at = datetime.fromisoformat(e["changed_at"])
        since[e["sku"]] = min(since.get(e["sku"], at), at)

    def urgency(e: dict[str, Any]) -> tuple[bool, datetime, int]:
        """Scarce first, then the oldest change not yet shown."""
        when = since.get(e["sku"]) or datetime.fromisoformat(e["changed_at"])
        return int(e["level"]) > SCARCE_LEVEL, when, int(e["level"])

    ordered = sorted(batch.send, key=urgency)
    batch.send = ordered[:limit]
    waiting = {e["sku"] for e in ordered[limit:]}
    batch.later = sorted(
        (e for e in batch.entries if e["sku"] in waiting),
        key=lambda e: (int(e["version"]), datetime.fromisoformat(e["changed_at"])),
    )


def entry(item: Mapping[str, Any], level: Sequence[Any]) -> dict[str, Any]:
    """One SKU level of a stock row: ``[sku, market, level, changed_at]``."""
    return {
        "sku": str(level[0]),
        "market": str(level[1]),
        "level": int(level[2]),
        "changed_at": str(level[3]),
        "version": int(item["payload"]["version"]),
        "key": str(item["key"]),
        # Tries of this level so far: its row's claims, plus the tries of the
        # partial pushes it was requeued from.
        "tries": int(item.get("attempts") or 1) + int(item["payload"].get("tries", 0)),
    }


def coalesce(
    dest: str,
    entries: list[dict[str, Any]],
    newest: Mapping[tuple[str, str, str], tuple[int, int]],
) -> tuple[list[dict[str, Any]], int]:
    """Return the newest level per SKU to send, and how many were overtaken."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for e in sorted(entries, key=lambda e: int(e["version"])):
        current = newest.get((dest, e["sku"], e["market"]))
        if current is not None and int(e["version"]) < current[1]:
            continue
        latest[(e["sku"], e["market"])] = e
    return list(latest.values()), len(entries) - len(latest)


def _fresh(
    ctx: Context,
    provider: Provider,
    batch: StockBatch,
    rules: tuple[BufferRule, ...] | None,
    view: ChannelView | None,
) -> tuple[list[StockPush], dict[str, int]]:
    """Return the pushes (levels recomputed now) and own sales seen per SKU."""
    skus = [e["sku"] for e in batch.send]
    # The snapshot comes BEFORE the ATP read: every sale it counts is in ATP.
    snap = view.snapshot(skus) if view is not None else {}
    levels = current_levels(ctx, batch.dest, skus, rules) if rules is not None else {}
    cas = bool(getattr(provider, "COMPARE_AND_SET", False))
    pushes = []
    for e in batch.send:
        level = levels.get((e["sku"], e["market"]), e["level"])
        expected = snap.get(e["sku"], (None, 0))[0] if cas else None
        if view is not None and expected is None:
            e["held"] = min(level, view.in_flight(e["sku"]))
            level -= e["held"]
        e["sent"] = level
        pushes.append(StockPush(e["sku"], e["market"], level, e["key"], expected))
    return pushes, {s: sold for s, (_e, sold) in snap.items()}


def push_stock_rows(
    ctx: Context,
    provider: Provider,
    batch: StockBatch,
    *,
    max_attempts: int,
    rng: Random,
    rules: tuple[BufferRule, ...] | None = None,
    view: ChannelView | None = None,
) -> tuple[int, int, int, tuple[float, ...]]:
    """Send a batch; return (delivered, retried, dead, lag seconds per level).

    A push that set some SKUs and not others (:class:`PushIncomplete`)
    delivers the rows: the SKUs set count as delivered, the failed ones go
    back to the outbox as one new row, due after a jittered backoff (and
    ``dead`` once they failed ``max_attempts`` times).
    """
    defer(batch, getattr(provider, "max_push_skus", None))
    pushes, sold = _fresh(ctx, provider, batch, rules, view) if batch.send else ([], {})
    error, stale, failed = None, frozenset[str](), frozenset[str]()
    started = time.monotonic()
    if pushes:
        try:
            stale = frozenset(provider.push_stock(pushes) or ())
        except PushIncomplete as exc:
            error, stale, failed = str(exc), exc.stale, exc.failed
            if failed >= {p.sku for p in pushes}:  # none set: as a failure
                failed = frozenset()
        except ChannelError as exc:
            error = str(exc)
    if view is not None:
        view.push_s = time.monotonic() - started
        unsure = {p.sku for p in pushes} if error and not failed else failed
        _note(view, pushes, sold, stale, unsure)
    with ctx.engine.begin() as conn:
        if len(still_claimed_on(conn, batch.rows)) < len(batch.rows):
            return 0, 0, 0, ()  # our lease ended mid-batch: the rows are not ours
        if error is not None and not failed:
            dead = retry_rows(conn, batch.rows, error, max_attempts, rng)
            return 0, len(batch.rows) - dead, dead, ()
        went = _settle(conn, ctx.seller, batch, stale, failed, view)
        gone = _requeue_failed(
            conn, ctx.seller, batch, failed, str(error), max_attempts, rng
        )
    done = datetime.now(UTC)
    lags = tuple(
        (done - datetime.fromisoformat(e["changed_at"])).total_seconds() for e in went
    )
    # The failed SKUs' new row counts as one retried (or dead) row.
    return len(batch.rows), int(gone is False), int(gone is True), lags


def _note(
    view: ChannelView,
    pushes: list[StockPush],
    sold: Mapping[str, int],
    stale: frozenset[str],
    unsure: set[str] | frozenset[str],
) -> None:
    """Tell the channel view what each pushed level became."""
    for p in pushes:
        if p.sku in unsure:
            view.forget(p.sku)  # it may or may not have landed
        elif p.sku in stale:
            view.note_stale(p.sku)
        else:
            view.note_set(p.sku, p.level, sold.get(p.sku, 0))


def _settle(
    conn: Any,
    seller: str,
    batch: StockBatch,
    stale: frozenset[str],
    failed: frozenset[str],
    view: ChannelView | None,
) -> list[dict[str, Any]]:
    """Deliver the batch's rows; requeue stale and held SKUs; return those set."""
    batch.stale = [e for e in batch.send if e["sku"] in stale]
    _requeue(conn, seller, batch, batch.stale, RETRY_AFTER_STALE_S, "stale")
    _requeue(conn, seller, batch, batch.later, 0.0, "later")
    went = [e for e in batch.send if e["sku"] not in stale and e["sku"] not in failed]
    held = [e for e in went if e.get("held")]
    _requeue(conn, seller, batch, held, view.window_s if view else 0.0, "held")
    settle_outbox_on(conn, [int(i["id"]) for i in batch.rows], "delivered")
    repin_published_on(
        conn,
        seller,
        [
            (batch.dest, e["sku"], e["market"], int(e["sent"]), int(e["version"]))
            for e in went
            if "sent" in e and int(e["sent"]) != int(e["level"])
        ],
    )
    return went


def _requeue_failed(
    conn: Any,
    seller: str,
    batch: StockBatch,
    failed: frozenset[str],
    error: str,
    max_attempts: int,
    rng: Random,
) -> bool | None:
    """Put the SKUs a partial push did not set back, due after a backoff.

    Their tries so far ride in the payload (``tries``: the most among the
    rows they came from, plus this one), so a SKU the channel keeps refusing
    goes ``dead`` after ``max_attempts`` like a whole row would. Returns
    whether the new row is dead (None: nothing failed).
    """
    entries = [e for e in batch.send if e["sku"] in failed]
    if not entries:
        return None
    tries = max(int(e.get("tries", 1)) for e in entries)
    wait = delay_s(tries - 1, rng, base_s=0.5, cap_s=60.0)
    _requeue(
        conn,
        seller,
        batch,
        entries,
        wait,
        "failed",
        tries=tries,
        error=error if tries >= max_attempts else None,
    )
    return tries >= max_attempts


def _requeue(
    conn: Any,
    seller: str,
    batch: StockBatch,
    entries: list[dict[str, Any]],
    delay: float,
    why: str,
    *,
    tries: int = 0,
    error: str | None = None,
) -> None:
    """Put ``entries`` back in the outbox as one row, due in ``delay`` seconds.

    ``stale``: the same change, still not shown (it keeps its change time).
    ``held``: the level went out minus the in-flight hold; it goes again when
    the hold may have shrunk, and that moment counts as its change time.
    ``later``: left out of a split push (every change, oldest first per SKU).
    ``failed``: the push did not set them; ``tries`` so far go with them, and
    with an ``error`` the row is stored ``dead`` (tries used up).
    """
    if not entries:
        return
    at = (datetime.now(UTC) + timedelta(seconds=delay)).isoformat()
    levels = [
        [e["sku"], e["market"], int(e["level"]), e["changed_at"]] for e in entries
    ]
    if why == "held":
        for level in levels:
            level[3] = at
    version = max(int(e["version"]) for e in entries)
    digest = hashlib.sha256(
        "|".join(sorted(str(i["key"]) for i in batch.rows)).encode()
    ).hexdigest()[:16]
    payload: dict[str, Any] = {"version": version, "levels": levels}
    if tries:
        payload["tries"] = tries
    enqueue_many_on(
        conn,
        seller,
        STOCK_TOPIC,
        [(batch.dest, f"stock-{why}:{batch.dest}:{version}:{digest}", payload)],
        delay_s=delay,
        dead_error=error,
    )


def retry_rows(
    conn: Any,
    items: list[dict[str, Any]],
    error: str,
    max_attempts: int,
    rng: Random,
) -> int:
    """Schedule failed rows again after a jittered backoff; return how many died.

    A row's tries are its claims plus those of the partial pushes its levels
    were requeued from (``tries`` in a stock row's payload). A row no longer
    claimed under the lease it was claimed under (its ``claimed_by``) is left
    to the connection's new holder.
    """
    dead = 0
    for i in items:
        payload = i["payload"] if isinstance(i["payload"], dict) else {}
        tries = int(i["attempts"]) + int(payload.get("tries", 0))
        last = tries >= max_attempts
        wait = delay_s(tries, rng, base_s=0.5, cap_s=60.0)
        token = i.get("claimed_by")
        changed = retry_outbox_on(
            conn, int(i["id"]), error, wait, dead=last, token=token
        )
        dead += last and changed
    return dead
