"""Stream SKU and ASN files into the ledger in bounded memory, resumably.

Rows are parsed one at a time and committed in chunks (:mod:`worldpool.ledger.
imports`): each chunk's records, its dead letters and the import's progress
commit together. Memory stays constant in the file's size; a killed import is
marked (its state reads *interrupted*) and the next run of the same file
continues after the last committed row. A partly received ASN reads
*receiving* until its import completes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from worldpool.audit import record
from worldpool.context import Context, ledger_of
from worldpool.domain.inventory import Movement
from worldpool.domain.product import SkuRecord
from worldpool.errors import InputError
from worldpool.inventory.prefetch import prefetched
from worldpool.ledger import DeadLetter
from worldpool.ledger.asn_file import iter_asn_file
from worldpool.ledger.imports import (
    ImportRecord,
    asn_states,
    begin_import,
    commit_asn_chunk,
    commit_sku_chunk,
    finish_import,
    list_imports,
)
from worldpool.ledger.rows import RowError
from worldpool.ledger.sku_file import iter_sku_file

__all__ = [
    "CHUNK_ROWS",
    "SHOWN_PROBLEMS",
    "ImportRecord",
    "Streamed",
    "asn_status",
    "imports",
    "stream_asn",
    "stream_skus",
]

CHUNK_ROWS = 5_000
"""Rows committed per transaction."""
SHOWN_PROBLEMS = 200
"""Rejected rows kept in the result for display (all are dead-lettered)."""

T = TypeVar("T")
Progress = Callable[[int, int], None]
"""Called with (rows done, rows in the file)."""


@dataclass(slots=True)
class Streamed:
    """What one streamed import did (rows)."""

    source: str
    import_id: int
    resumed_from: int
    """Rows that an earlier, interrupted run of this file had committed."""
    posted: int = 0
    updated: int = 0
    rejected: int = 0
    problems: list[tuple[int | None, str | None, str]] = field(default_factory=list)
    """(row, field, message) of the first :data:`SHOWN_PROBLEMS` rejected rows."""


def stream_skus(
    ctx: Context, path: Path, progress: Progress | None = None, name: str | None = None
) -> Streamed:
    """Import or update SKUs from a CSV of any size; bad rows dead-lettered.

    Args:
        ctx: Who acts (operator or stronger); its seller owns the SKUs.
        path: The SKU file.
        progress: Called with (rows done, rows total).
        name: The file's name to show in messages (default: the path).
    """
    ctx.require("operator")
    ledger = ledger_of(ctx)
    rows = iter_sku_file(path, ctx.catalog.marketplaces)
    label, digest, total = _scan(path, name)
    job = begin_import(ledger, "sku", label, digest)
    out = Streamed(label, job.id, job.rows_done)

    def commit(
        batch: list[tuple[int, SkuRecord]], bad: list[DeadLetter], n: int
    ) -> None:
        """Upsert one chunk of SKUs with its dead letters; n = last row done."""
        new, changed = commit_sku_chunk(ledger, job.id, [r for _, r in batch], bad, n)
        out.posted += new
        out.updated += changed

    _drive(rows, "sku", out, commit, str(path), total, progress)
    finish_import(ledger, job.id)
    record(ctx, "sku.import", target=label, result=_brief(out))
    return out


def stream_asn(
    ctx: Context, path: Path, progress: Progress | None = None, name: str | None = None
) -> Streamed:
    """Receive an ASN CSV of any size at the hub (idempotent, resumable).

    Args:
        ctx: Who acts (operator or stronger).
        path: The ASN file (``asn_id, sku, node, qty`` ...).
        progress: Called with (rows done, rows total).
        name: The file's name to show in messages (default: the path).
    """
    ctx.require("operator")
    ledger = ledger_of(ctx)
    rows = iter_asn_file(path, [h.id for h in ctx.catalog.hubs()])
    label, digest, total = _scan(path, name)
    job = begin_import(ledger, "asn", label, digest)
    out = Streamed(label, job.id, job.rows_done)

    def commit(
        batch: list[tuple[int, Movement]], bad: list[DeadLetter], n: int
    ) -> None:
        """Post one chunk of receipts with its dead letters; n = last row done."""
        done, refused = commit_asn_chunk(ledger, job.id, batch, bad, n)
        out.posted += done.posted
        out.updated += done.duplicates
        out.rejected += len(refused)
        _note(out, [(d.row, d.field, d.error) for d in refused])

    _drive(rows, "asn", out, commit, str(path), total, progress)
    finish_import(ledger, job.id)
    record(ctx, "asn.receive", target=label, result=_brief(out))
    return out


def imports(ctx: Context, limit: int = 20) -> list[ImportRecord]:
    """Return the seller's newest file imports with their state, newest first."""
    return list_imports(ledger_of(ctx), limit)


def asn_status(ctx: Context, asn_ids: list[str]) -> dict[str, str]:
    """Return ``receiving`` / ``received`` per ASN id (absent: never imported)."""
    return asn_states(ledger_of(ctx), asn_ids)


def _drive(
    rows: Iterator[tuple[int, T] | RowError],
    kind: str,
    out: Streamed,
    commit: Callable[[list[tuple[int, T]], list[DeadLetter], int], None],
    path: str,
    total: int,
    progress: Progress | None,
) -> None:
    """Commit the parsed rows chunk by chunk; the next chunk parses meanwhile."""
    chunks = _chunked(rows, kind, out.source, path, out.resumed_from, CHUNK_ROWS)
    with prefetched(chunks) as ready:
        for batch, bad, last, final in ready:
            _note(out, [(d.row, d.field, d.error) for d in bad])
            commit(batch, bad, last)
            out.rejected += len(bad)
            if progress is not None:
                progress(total if final else last, total)


def _chunked(
    rows: Iterator[tuple[int, T] | RowError],
    kind: str,
    source: str,
    path: str,
    resumed_from: int,
    size: int,
) -> Iterator[tuple[list[tuple[int, T]], list[DeadLetter], int, bool]]:
    """Group rows after ``resumed_from`` into (records, dead letters, last row, final).

    The last chunk (possibly empty) has ``final`` set.
    """
    batch: list[tuple[int, T]] = []
    bad: list[DeadLetter] = []
    last = resumed_from
    for item in rows:
        n = item.row if isinstance(item, RowError) else item[0]
        if n <= resumed_from:
            continue
        if isinstance(item, RowError):
            message = item.message.replace(path, source)
            bad.append(DeadLetter(source, kind, n, item.field, message, item.raw))
        else:
            batch.append(item)
        last = n
        if len(batch) + len(bad) >= size:
            yield batch, bad, last, False
            batch, bad = [], []
    yield batch, bad, last, True


def _note(out: Streamed, problems: list[tuple[int | None, str | None, str]]) -> None:
    room = SHOWN_PROBLEMS - len(out.problems)
    if room > 0:
        out.problems.extend(problems[:room])


def _scan(path: Path, name: str | None) -> tuple[str, str, int]:
    """Return (label, SHA-256 of the content, data rows) in one pass."""
    h = hashlib.sha256()
    lines = 0
    try:
        with Path(path).open("rb") as handle:
            while chunk := handle.read(1 << 20):
                h.update(chunk)
                lines += chunk.count(b"\n")
    except OSError as exc:
        raise InputError(
            f"cannot read the file: {exc.strerror}", record=str(path)
        ) from None
    return name or str(path), h.hexdigest(), max(lines - 1, 0)


def _brief(out: Streamed) -> dict[str, int]:
    return {"posted": out.posted, "updated": out.updated, "rejected": out.rejected}
