"""Inventory service: the one way in for SKU files, ASNs, movements and reads.

Each function takes the :class:`~worldpool.context.Context` first and works on
the context's seller. Imports keep their good rows and dead-letter the bad
ones (named by file, row and field); a repeated file changes nothing because
every movement carries an idempotency key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from worldpool.audit import record
from worldpool.context import Context, ledger_of
from worldpool.domain.inventory import Atp, Balance, Movement
from worldpool.domain.product import SkuRecord
from worldpool.errors import DriftDetected
from worldpool.inventory.importer import (
    ImportRecord,
    Streamed,
    asn_status,
    imports,
    stream_asn,
    stream_skus,
)
from worldpool.ledger import (
    DeadLetter,
    DriftReport,
    JournalEntry,
    PostResult,
    StoredDeadLetter,
)

__all__ = [
    "BatchOutcome",
    "DeadLetter",
    "DriftReport",
    "ImportRecord",
    "JournalEntry",
    "PostResult",
    "RowProblem",
    "StoredDeadLetter",
    "asn_status",
    "atp",
    "balances",
    "check",
    "dead_letter",
    "dead_letters",
    "get_sku",
    "import_skus",
    "imports",
    "init_schema",
    "journal",
    "post_movement",
    "receive_asn",
]

Progress = Callable[[int, int], None]
"""Called with (done, total) rows while a file is posted."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One rejected row of a file: where and why (it is in the dead letters)."""

    row: int | None
    """1-based data row."""
    field: str | None
    """The wrong field, if known."""
    message: str
    """What is wrong, naming file, row and field."""


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """What importing one file did."""

    source: str
    """The file."""
    posted: int
    """Records newly written (SKUs new or movements posted)."""
    updated: int
    """Records already there: SKUs updated, or movements already posted."""
    rejected: tuple[RowProblem, ...]
    """Rows refused and dead-lettered (the first 200 of them); good rows kept."""
    rejected_total: int = 0
    """How many rows were refused in all."""
    import_id: int | None = None
    """The import's id (``worldpool imports list``)."""


def init_schema(ctx: Context) -> str | None:
    """Create or upgrade the database schema; return the revision it is now at."""
    return ledger_of(ctx).init()


def import_skus(
    ctx: Context, path: Path, progress: Progress | None = None, name: str | None = None
) -> BatchOutcome:
    """Import or update SKUs from a CSV file of any size; bad rows dead-lettered.

    Streams the file in chunks (constant memory); an interrupted import of the
    same file resumes where it stopped.

    Args:
        ctx: The context (its seller owns the SKUs).
        path: The SKU master CSV (see README for the columns).
        progress: Called with (rows done, rows total).
        name: The file's name for messages (default: the path).
    """
    return _outcome(stream_skus(ctx, path, progress, name))


def receive_asn(
    ctx: Context, path: Path, progress: Progress | None = None, name: str | None = None
) -> BatchOutcome:
    """Receive an ASN CSV at the hub, one movement per line (idempotent by key).

    Streams and commits in chunks; an interrupted run of the same file resumes,
    and its ASNs read ``receiving`` until it completes (:func:`asn_status`).

    Args:
        ctx: The context.
        path: The ASN CSV (``asn_id, sku, node, qty`` ...).
        progress: Called with (lines done, lines total) as lines are posted.
        name: The file's name for messages (default: the path).
    """
    return _outcome(stream_asn(ctx, path, progress, name))


def _outcome(s: Streamed) -> BatchOutcome:
    problems = tuple(RowProblem(row, fld, msg) for row, fld, msg in s.problems)
    return BatchOutcome(
        s.source, s.posted, s.updated, problems, s.rejected, s.import_id
    )


def post_movement(ctx: Context, movement: Movement) -> PostResult:
    """Post one movement atomically (idempotent by its key)."""
    ctx.require("operator")
    result = ledger_of(ctx).post(movement)
    record(
        ctx,
        f"movement.{movement.kind.value}",
        target=movement.reference,
        inputs={"sku": movement.sku, "node": movement.node, "qty": movement.qty},
        result={"id": result.movement_id, "duplicate": result.duplicate},
    )
    return result


def get_sku(ctx: Context, sku: str) -> SkuRecord:
    """Return a registered SKU of the context's seller (UnknownReference if none)."""
    return ledger_of(ctx).sku(sku)


def balances(
    ctx: Context,
    *,
    sku: str | None = None,
    node: str | None = None,
    market: str | None = None,
) -> list[Balance]:
    """Return balance rows (units), filtered by SKU, node or a market's nodes."""
    return ledger_of(ctx).balances(sku=sku, node=node, market=market)


def atp(ctx: Context, sku: str, market: str) -> Atp:
    """Return available-to-promise in ``market`` (units; P50/P90 days per source)."""
    return ledger_of(ctx).atp(sku, market)


def check(ctx: Context, *, strict: bool = False) -> DriftReport:
    """Recompute balances from the journal; ``strict`` raises DriftDetected on drift."""
    report = ledger_of(ctx).check()
    if strict and not report.ok:
        raise DriftDetected(f"{len(report.drifts)} balance rows drift from the journal")
    return report


def journal(
    ctx: Context,
    *,
    sku: str | None = None,
    node: str | None = None,
    reference: str | None = None,
    limit: int = 100,
) -> list[JournalEntry]:
    """Return the newest journal movements (newest first), optionally filtered."""
    return ledger_of(ctx).journal(sku=sku, node=node, reference=reference, limit=limit)


def dead_letters(
    ctx: Context, kind: str | None = None, limit: int = 100
) -> list[StoredDeadLetter]:
    """Return unresolved dead letters of every kind (or one), oldest first, with ids."""
    return ledger_of(ctx).stored_dead_letters(kind, limit)


def dead_letter(ctx: Context, letter_id: int) -> StoredDeadLetter:
    """Return one dead letter by id (UnknownReference when there is none)."""
    return ledger_of(ctx).stored_dead_letter(letter_id)
