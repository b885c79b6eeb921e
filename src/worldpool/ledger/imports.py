"""Chunked, resumable file imports: each chunk and its progress in one transaction.

An import row is opened per file (or re-opened when the same file content was
interrupted before), and every chunk of records commits together with its dead
letters and the import's row counter. A killed import therefore resumes after
its last committed row; the idempotency keys make any overlap harmless anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, and_, desc, insert, select, update

from worldpool.domain.inventory import Movement
from worldpool.domain.product import SkuRecord
from worldpool.ledger.bulk_post import BulkPosted, post_adds_on
from worldpool.ledger.copy_load import copy_post_adds, copy_upsert_skus
from worldpool.ledger.dead_letter_store import DeadLetter, record_dead_letters_on
from worldpool.ledger.import_tables import import_asns, imports
from worldpool.ledger.skus import upsert_skus_on
from worldpool.ledger.store import Ledger

__all__ = [
    "STALE_AFTER",
    "ImportRecord",
    "asn_states",
    "begin_import",
    "commit_asn_chunk",
    "commit_sku_chunk",
    "finish_import",
    "list_imports",
]

STALE_AFTER = timedelta(minutes=2)
"""A running import with no chunk committed for this long is shown interrupted."""


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One file import: what it is, how far it got, and its counts (rows)."""

    id: int
    kind: str
    source: str
    status: str
    """``running``, ``complete`` or ``superseded`` (a later import of the file)."""
    rows_done: int
    posted: int
    updated: int
    rejected: int
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    def state(self, now: datetime | None = None) -> str:
        """Return ``running``, ``interrupted``, ``complete`` or ``superseded``."""
        if self.status != "running":
            return self.status
        at = (
            self.updated_at
            if self.updated_at.tzinfo
            else self.updated_at.replace(tzinfo=UTC)
        )
        stale = (now or datetime.now(UTC)) - at > STALE_AFTER
        return "interrupted" if stale else "running"


def begin_import(ledger: Ledger, kind: str, source: str, digest: str) -> ImportRecord:
    """Reopen the unfinished import of this content, or open a new one."""
    c = imports.c
    now = datetime.now(UTC)
    with ledger.write_lock, ledger.engine.begin() as conn:
        row = conn.execute(
            select(imports)
            .where(
                c.seller == ledger.seller,
                c.kind == kind,
                c.digest == digest,
                c.status == "running",
            )
            .order_by(desc(c.id))
            .limit(1)
        ).one_or_none()
        if row is None:
            values = {
                "seller": ledger.seller,
                "kind": kind,
                "source": source[:512],
                "digest": digest,
                "status": "running",
                "started_at": now,
                "updated_at": now,
            }
            result = conn.execute(insert(imports).values(**values))
            new_id = result.inserted_primary_key
            assert new_id is not None
            row = conn.execute(select(imports).where(c.id == new_id[0])).one()
        return _record(row)


def commit_sku_chunk(
    ledger: Ledger,
    job: int,
    records: Sequence[SkuRecord],
    letters: Sequence[DeadLetter],
    rows_done: int,
) -> tuple[int, int]:
    """Upsert ``records``, store ``letters`` and advance import ``job``: one txn.

    Returns (new SKUs, updated SKUs).
    """
    for rec in records:
        for mk in (*rec.listed_markets, *rec.ffo_markets):
            ledger.catalog.marketplace(mk)
    with ledger.write_lock, ledger.engine.begin() as conn:
        _chunk_settings(conn)
        upsert = copy_upsert_skus if _is_pg(conn) else upsert_skus_on
        new, updated = upsert(
            conn, ledger.seller, records, list(ledger.catalog.marketplaces)
        )
        record_dead_letters_on(conn, ledger.seller, letters)
        _advance(conn, job, rows_done, new, updated, len(letters))
    return new, updated


def commit_asn_chunk(
    ledger: Ledger,
    job: int,
    lines: Sequence[tuple[int, Movement]],
    letters: Sequence[DeadLetter],
    rows_done: int,
) -> tuple[BulkPosted, list[DeadLetter]]:
    """Post receipts ``lines`` (row, movement), store letters, advance ``job``.

    Lines the ledger refuses (unknown SKU, key reused with another payload)
    become dead letters in the same transaction; they are returned.
    """
    source = letters[0].source if letters else ""
    with ledger.write_lock, ledger.engine.begin() as conn:
        _chunk_settings(conn)
        post = copy_post_adds if _is_pg(conn) else post_adds_on
        done = post(conn, ledger.seller, [m for _, m in lines])
        refused = [
            DeadLetter(
                source or f"import {job}",
                "asn",
                lines[i][0],
                _field_of(exc),
                f"{source}, row {lines[i][0]}: {exc}",
                {"sku": lines[i][1].sku, "reference": lines[i][1].reference},
            )
            for i, exc in done.rejected
        ]
        record_dead_letters_on(conn, ledger.seller, [*letters, *refused])
        _touch_asns(conn, ledger.seller, job, {m.reference for _, m in lines})
        rejected = len(letters) + len(refused)
        _advance(conn, job, rows_done, done.posted, done.duplicates, rejected)
    return done, refused


def finish_import(ledger: Ledger, job: int) -> ImportRecord:
    """Mark ``job`` complete, and older unfinished imports of its file superseded."""
    c = imports.c
    now = datetime.now(UTC)
    with ledger.write_lock, ledger.engine.begin() as conn:
        row = conn.execute(select(imports).where(c.id == job)).one()
        conn.execute(
            update(imports)
            .where(c.id == job)
            .values(status="complete", finished_at=now, updated_at=now)
        )
        conn.execute(
            update(imports)
            .where(
                c.seller == ledger.seller,
                c.kind == row.kind,
                c.source == row.source,
                c.status == "running",
                c.id < job,
            )
            .values(status="superseded", updated_at=now)
        )
        return _record(conn.execute(select(imports).where(c.id == job)).one())


def list_imports(ledger: Ledger, limit: int = 20) -> list[ImportRecord]:
    """Return this seller's newest imports, newest first."""
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            select(imports)
            .where(imports.c.seller == ledger.seller)
            .order_by(desc(imports.c.id))
            .limit(limit)
        ).all()
    return [_record(r) for r in rows]


def asn_states(ledger: Ledger, asn_ids: Iterable[str]) -> dict[str, str]:
    """Return ``receiving`` or ``received`` per ASN id that any import touched."""
    ids = sorted(set(asn_ids))
    a, c = import_asns.c, imports.c
    out: dict[str, str] = {}
    with ledger.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            rows = conn.execute(
                select(a.asn_id, c.status)
                .join(imports, and_(imports.c.id == a.import_id))
                .where(a.seller == ledger.seller, a.asn_id.in_(ids[i : i + 500]))
            ).all()
            for asn, status in rows:
                if status == "running" or asn not in out:
                    out[asn] = "receiving" if status == "running" else "received"
    return out


def _chunk_settings(conn: Connection) -> None:
    """Commit this chunk without waiting for the WAL flush (PostgreSQL).

    The chunk stays atomic (its rows, dead letters and progress together);
    only the last fraction of a second of chunks may be lost in a server
    crash, and then exactly those are re-done by the resume (the progress row
    went with them). The import's ``complete`` mark (:func:`finish_import`) is
    a normal, flushed commit.

    Chunks used to run with ``plan_cache_mode = force_custom_plan`` (a generic
    plan cached while ``skus`` was empty made a growing import crawl). The
    COPY path's statements are never prepared (:mod:`worldpool.ledger.
    copy_load`), so each is planned for the table's current size anyway, and
    forcing custom plans re-planned every foreign-key check (three per SKU
    row): 70 % of a SKU import's time.
    """
    if _is_pg(conn):
        conn.exec_driver_sql("SELECT set_config('synchronous_commit', 'off', true)")


def _is_pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _field_of(exc: Exception) -> str:
    """The ASN column to blame: ``sku`` for an unknown SKU, else ``line`` (key)."""
    return getattr(exc, "field", None) or "line"


def _touch_asns(conn: Connection, seller: str, job: int, refs: set[str]) -> None:
    asns = {r.removeprefix("ASN ") for r in refs}
    have = set(
        conn.execute(
            select(import_asns.c.asn_id).where(
                import_asns.c.import_id == job, import_asns.c.asn_id.in_(sorted(asns))
            )
        ).scalars()
    )
    rows = [
        {"import_id": job, "seller": seller, "asn_id": asn}
        for asn in sorted(asns - have)
    ]
    if rows:
        conn.execute(insert(import_asns), rows)


def _advance(
    conn: Connection, job: int, rows_done: int, posted: int, updated: int, bad: int
) -> None:
    c = imports.c
    conn.execute(
        update(imports)
        .where(c.id == job)
        .values(
            rows_done=rows_done,
            posted=c.posted + posted,
            updated=c.updated + updated,
            rejected=c.rejected + bad,
            updated_at=datetime.now(UTC),
        )
    )


def _record(r: object) -> ImportRecord:
    m = r._mapping  # type: ignore[attr-defined]
    return ImportRecord(
        id=int(m["id"]),
        kind=m["kind"],
        source=m["source"],
        status=m["status"],
        rows_done=int(m["rows_done"]),
        posted=int(m["posted"]),
        updated=int(m["updated"]),
        rejected=int(m["rejected"]),
        started_at=m["started_at"],
        updated_at=m["updated_at"],
        finished_at=m["finished_at"],
    )
