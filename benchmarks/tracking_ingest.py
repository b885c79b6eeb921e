"""Tracking ingest: events/s with 16 concurrent senders, duplicates, ETA accuracy.

Usage::

    python benchmarks/tracking_ingest.py [--db URL] [--shipments N] [--senders 16]

1. In a fresh schema of ``--db`` (default the local ``wp_logistics`` database),
   ``--shipments`` shipments are created on the catalog's sea, air, express and
   parcel lanes from the Shenzhen hub.
2. Each shipment's journey is drawn from its lane's fitted leg distributions
   (:func:`worldpool.logistics.eta.sample_legs`): handover, departure, arrival,
   customs entry, customs release, delivery: six EPCIS-style events each.
3. 20 % of what is sent are repeats of other events; everything is shuffled (out
   of order) and sent in batches by ``--senders`` threads, each calling the
   tracking service as the API does. ``events_per_s`` = events sent / wall time.
4. ``duplicates_applied``: stored events beyond the unique ones (must be 0).
5. ETA accuracy on the same simulated journeys: at each milestone (handover,
   departure, arrival, customs release) the service's ETA (:func:`fold`, the
   code path of ingestion) against the actual delivery; ``eta_mae_days_naive``
   is handover + lane P50, never updated.

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import create_engine, func, select, text

from worldpool.catalog import load_catalog
from worldpool.config import Settings
from worldpool.context import open_context
from worldpool.domain.network import Mode
from worldpool.ledger import Ledger
from worldpool.ledger.db import make_engine, normalise_url
from worldpool.ledger.logistics_tables import (
    insert_shipment_on,
    shipments,
    tracking_events,
)
from worldpool.logistics import tracking_service
from worldpool.logistics.eta import fit_legs, sample_legs
from worldpool.logistics.events import BizStep, TrackingEvent
from worldpool.logistics.track import Lane, fold

DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/wp_logistics"
_DAY = timedelta(days=1)
_MODES = (Mode.SEA, Mode.AIR, Mode.EXPRESS, Mode.PARCEL)


def _fresh_schema(url: str) -> tuple[str, str]:
    base = normalise_url(url)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    scoped = base.update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), schema


def _drop_schema(url: str, schema: str) -> None:
    admin = create_engine(normalise_url(url))
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _lanes() -> list[Any]:
    catalog = load_catalog()
    return [lane for lane in catalog.lanes_from("CN-SZX") if lane.mode in _MODES]


def _journeys(n: int, seed: int) -> list[dict[str, Any]]:
    """Draw ``n`` shipments: lane, leg durations (days), handover time."""
    rng = random.Random(seed)
    lanes = _lanes()
    base = datetime.now(UTC) - 90 * _DAY
    out = []
    for i in range(n):
        lane = rng.choice(lanes)
        t = lane.transit
        fit = fit_legs(lane.mode.value, t.p50_days, t.p90_days)
        legs = sample_legs(fit, 1, seed * 1_000_003 + i)[0]
        start = base + rng.uniform(0, 30) * _DAY
        out.append(
            {
                "id": f"SHP-B{i:07d}",
                "lane": Lane(lane.mode.value, t.p50_days, t.p90_days),
                "dest": lane.destination,
                "legs": legs,
                "start": start,
            }
        )
    return out


def _events(j: dict[str, Any]) -> list[TrackingEvent]:
    legs = j["legs"]
    t0 = j["start"]
    t_dep = t0 + legs[0] * _DAY
    t_arr = t_dep + legs[1] * _DAY
    t_rel = t_arr + legs[2] * _DAY
    t_end = t_rel + legs[3] * _DAY
    t_cus = t_arr + 0.1 * legs[2] * _DAY
    steps = (
        (BizStep.SHIPPING, t0, "in_transit"),
        (BizStep.DEPARTING, t_dep, "in_transit"),
        (BizStep.ARRIVING, t_arr, "in_transit"),
        (BizStep.CUSTOMS, t_cus, "in_progress"),
        (BizStep.CUSTOMS, t_rel, "in_transit"),
        (BizStep.RECEIVING, t_end, "in_progress"),
    )
    sid = j["id"]
    return [
        TrackingEvent(f"urn:uuid:{sid}-{k}", sid, step, at, "urn:bench", disp)
        for k, (step, at, disp) in enumerate(steps)
    ]


def _create_shipments(url: str, journeys: list[dict[str, Any]]) -> None:
    engine = make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for j in journeys:
            lane = j["lane"]
            insert_shipment_on(
                conn,
                {
                    "id": j["id"],
                    "seller": "default",
                    "source": "bench",
                    "source_ref": "bench",
                    "origin": "CN-SZX",
                    "destination": j["dest"],
                    "mode": lane.mode,
                    "service": f"bench:{lane.mode}",
                    "carrier": "bench",
                    "lane_p50": lane.p50_days,
                    "lane_p90": lane.p90_days,
                    "booking": "booked",
                    "status": "booked",
                    "legs_done": -1,
                    "created_at": now,
                    "payload": {"lines": []},
                },
            )
    engine.dispose()


def _feeds(
    journeys: list[dict[str, Any]],
    senders: int,
    dup_share: float,
    seed: int,
    mixed: bool,
) -> tuple[list[list[TrackingEvent]], int]:
    """Split what is sent into one feed per sender, shuffled, with repeats.

    By default each sender is a carrier feed: it reports its own shipments
    (round robin), out of order and with repeats. ``mixed`` deals every event to
    any sender instead, so senders contend for the same shipments' row locks.
    """
    rng = random.Random(seed + 1)
    feeds: list[list[TrackingEvent]] = [[] for _ in range(senders)]
    for i, j in enumerate(journeys):
        feeds[i % senders].extend(_events(j))
    n_dup = 0
    for feed in feeds:
        extra = round(len(feed) * dup_share / (1 - dup_share))
        feed.extend(rng.choice(feed) for _ in range(extra))
        n_dup += extra
        rng.shuffle(feed)
    if mixed:
        every = [e for feed in feeds for e in feed]
        rng.shuffle(every)
        feeds = [every[k::senders] for k in range(senders)]
    return feeds, n_dup


def _send(url: str, feeds: list[list[TrackingEvent]], batch: int) -> Any:
    ctx = open_context(Settings(database_url=url), user="bench", role="system")

    def sender(feed: list[TrackingEvent]) -> list[Any]:
        return [
            tracking_service.ingest_events(ctx, feed[i : i + batch])
            for i in range(0, len(feed), batch)
        ]

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(feeds)) as pool:
        results = [r for rs in pool.map(sender, feeds) for r in rs]
    elapsed = time.perf_counter() - t0
    ctx = open_context(Settings(database_url=url), user="bench", role="system")
    with ctx.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(tracking_events))
        n_stored = int(stored.scalar_one())
        # Every journey ends delivered: any other final status is a lost refold.
        off = select(func.count()).where(shipments.c.status != "delivered")
        wrong = int(conn.execute(off).scalar_one())
    ctx.close()
    return elapsed, results, n_stored, wrong


def _eta_mae(journeys: list[dict[str, Any]]) -> tuple[float, float]:
    ours, naive = [], []
    for j in journeys:
        evs = sorted(_events(j), key=lambda e: e.event_time)
        actual = evs[-1].event_time
        lane = j["lane"]
        naive_eta = evs[0].event_time + lane.p50_days * _DAY
        # Milestones: handover, departure, arrival, customs release.
        for k in (0, 1, 2, 4):
            seen = evs[: k + 1]
            state = fold(seen, lane, seen[-1].event_time)
            assert state.eta is not None
            ours.append(abs((state.eta - actual) / _DAY))
            naive.append(abs((naive_eta - actual) / _DAY))
    return float(np.mean(ours)), float(np.mean(naive))


def main() -> None:
    """Run the benchmark and print its JSON line last."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=DEFAULT_DB, help="PostgreSQL URL")
    ap.add_argument("--shipments", type=int, default=2000)
    ap.add_argument("--senders", type=int, default=16)
    ap.add_argument("--batch", type=int, default=200, help="events per request")
    ap.add_argument("--dup-share", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--mixed", action="store_true", help="deal events to any sender (contended)"
    )
    args = ap.parse_args()

    journeys = _journeys(args.shipments, args.seed)
    unique = [e for j in journeys for e in _events(j)]
    feeds, n_dup = _feeds(journeys, args.senders, args.dup_share, args.seed, args.mixed)
    n_sent = sum(len(f) for f in feeds)

    url, schema = _fresh_schema(args.db)
    try:
        Ledger(make_engine(url), load_catalog()).init()
        _create_shipments(url, journeys)
        print(f"sending {n_sent} events ({n_dup} repeats)", file=sys.stderr)
        elapsed, results, n_stored, wrong = _send(url, feeds, args.batch)
    finally:
        _drop_schema(args.db, schema)
    applied = sum(r.applied for r in results)
    mae, mae_naive = _eta_mae(journeys)
    out = {
        "db": normalise_url(args.db).get_backend_name(),
        "shipments": args.shipments,
        "events_sent": n_sent,
        "feeds": "mixed" if args.mixed else "per carrier",
        "events_unique": len(unique),
        "senders": args.senders,
        "batch": args.batch,
        "seconds": round(elapsed, 3),
        "events_per_s": round(n_sent / elapsed, 1),
        "duplicates_applied": max(applied, n_stored) - len(unique),
        "events_lost": len(unique) - n_stored,
        "state_errors": wrong,
        "rejected": sum(len(r.rejected) for r in results),
        "eta_mae_days": round(mae, 3),
        "eta_mae_days_naive": round(mae_naive, 3),
        "eta_mae_ratio": round(mae / mae_naive, 3),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
