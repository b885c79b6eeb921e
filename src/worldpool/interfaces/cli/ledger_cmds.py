"""Ledger commands: ``init``, ``sku import``, ``receive``, ``move``, ``check``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Column, Table

from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import DriftDetected
from worldpool.interfaces.cli.context import DbOption, open_ledger
from worldpool.interfaces.cli.errors import handled
from worldpool.ledger import DeadLetter, Ledger
from worldpool.ledger.asn_file import parse_asn_file
from worldpool.ledger.rows import RowError
from worldpool.ledger.sku_file import parse_sku_file

__all__ = ["check", "dead_letters", "init", "journal", "move", "receive", "sku_app"]

EXIT_PARTIAL = 8
"""Exit code when a file had bad rows: the good rows were kept."""

console = Console(soft_wrap=True)
sku_app = typer.Typer(help="SKU master data.", no_args_is_help=True)


def init(db: DbOption = None) -> None:
    """Create the database or upgrade it to the newest schema."""
    with handled(), open_ledger(db) as ledger:
        revision = ledger.init()
    console.print(
        f"database ready at [bold]{ledger.engine.url.render_as_string()}[/] "
        f"(schema {revision})"
    )


@sku_app.command("import")
def sku_import(file: Path, db: DbOption = None) -> None:
    """Import or update SKUs from a CSV file (bad rows are reported and kept aside)."""
    with handled(), open_ledger(db) as ledger:
        parsed = parse_sku_file(file, ledger.catalog.marketplaces)
        new, updated = ledger.register_skus(rec for _, rec in parsed.records)
        _dead_letter(ledger, parsed.source, "sku", parsed.errors)
    console.print(f"SKUs: {new} new, {updated} updated, {len(parsed.errors)} rejected")
    _exit_if_rejected(len(parsed.errors))


def receive(file: Path, db: DbOption = None) -> None:
    """Receive an ASN CSV at the hub (idempotent: a repeated file changes nothing)."""
    with handled(), open_ledger(db) as ledger:
        parsed = parse_asn_file(file, [h.id for h in ledger.catalog.hubs()])
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("posting receipts", total=len(parsed.records))
            posted = dups = 0
            errors = list(parsed.errors)
            for row, movement in parsed.records:
                outcome = ledger.post_many([movement])
                posted += outcome.posted
                dups += outcome.duplicates
                errors += [
                    RowError(
                        row, "sku", f"{parsed.source}, row {row}: {exc}", {"sku": m.sku}
                    )
                    for m, exc in outcome.rejected
                ]
                bar.advance(task)
        _dead_letter(ledger, parsed.source, "asn", errors)
    console.print(
        f"ASN lines: {posted} posted, {dups} already posted, {len(errors)} rejected"
    )
    _exit_if_rejected(len(errors))


def move(
    kind: Annotated[MovementKind, typer.Argument(help="Movement kind.")],
    sku: str,
    node: str,
    qty: int,
    reference: Annotated[str, typer.Option(help="Order, transfer or count reference.")],
    key: Annotated[str, typer.Option(help="Idempotency key.")],
    reason: Annotated[str, typer.Option(help="Why (shown in the journal).")] = "manual",
    from_node: Annotated[
        str | None, typer.Option(help="Source node of a transfer.")
    ] = None,
    lane: Annotated[str | None, typer.Option(help="Lane id of a transfer.")] = None,
    damaged: int = 0,
    short: int = 0,
    db: DbOption = None,
) -> None:
    """Post one movement (transfer, reserve, ship, adjust ...) to the journal."""
    with handled(), open_ledger(db) as ledger:
        result = ledger.post(
            Movement(
                kind,
                sku,
                node,
                qty,
                reason,
                reference,
                key,
                from_node=from_node,
                lane=lane,
                damaged=damaged,
                short=short,
            )
        )
    state = "already posted (no change)" if result.duplicate else "posted"
    console.print(f"movement {result.movement_id} {state}")


def check(db: DbOption = None) -> None:
    """Recompute every balance from the journal and report drift (exit 5 on drift)."""
    with handled(), open_ledger(db) as ledger:
        report = ledger.check()
        if not report.ok:
            t = Table(
                "sku", "node", "stored (oh/res/transit)", "journal (oh/res/transit)"
            )
            for d in report.drifts:
                t.add_row(
                    d.sku,
                    d.node,
                    "/".join(map(str, d.stored)),
                    "/".join(map(str, d.journal)),
                )
            console.print(t)
            raise DriftDetected(
                f"{len(report.drifts)} balance rows drift from the journal"
            )
    console.print(
        f"[green]ok[/]: {report.rows_checked} balance rows match "
        f"{report.movements} journal movements (drift 0)"
    )


def dead_letters(
    kind: Annotated[
        str | None, typer.Option(help="Only this kind (asn, sku ...).")
    ] = None,
    db: DbOption = None,
) -> None:
    """List rejected input records with the reason."""
    with handled(), open_ledger(db) as ledger:
        letters = ledger.dead_letters(kind)
    t = Table("kind", "source", "row", "field", "error")
    for d in letters:
        t.add_row(d.kind, d.source, str(d.row or ""), d.field or "", d.error)
    console.print(t)


def _dead_letter(
    ledger: Ledger, source: str, kind: str, errors: list[RowError]
) -> None:
    ledger.dead_letter(
        DeadLetter(source, kind, e.row, e.field, e.message, e.raw) for e in errors
    )
    for e in errors:
        console.print(f"[yellow]rejected[/] {e.message}", highlight=False)


def _exit_if_rejected(count: int) -> None:
    if count:
        raise typer.Exit(EXIT_PARTIAL)


def journal(
    sku: Annotated[str | None, typer.Option(help="Only this SKU.")] = None,
    node: Annotated[
        str | None, typer.Option(help="Only movements at/from this node.")
    ] = None,
    reference: Annotated[str | None, typer.Option(help="Only this reference.")] = None,
    limit: Annotated[int, typer.Option(help="Entries to show at most.")] = 50,
    db: DbOption = None,
) -> None:
    """Show the newest journal movements: what changed, where, why, and by what."""
    with handled(), open_ledger(db) as ledger:
        entries = ledger.journal(sku=sku, node=node, reference=reference, limit=limit)
    t = Table(
        "id",
        "when (UTC)",
        Column("kind", no_wrap=True),
        Column("sku", no_wrap=True),
        *("from", "node", "qty", "reason", "reference"),
    )
    for e in entries:
        t.add_row(
            str(e.id),
            f"{e.at:%Y-%m-%d %H:%M}",
            e.kind.value,
            e.sku,
            e.from_node or "",
            e.node,
            str(e.qty),
            e.reason,
            e.reference,
        )
    console.print(t)
