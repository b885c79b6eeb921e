"""Inventory commands: init, sku import, receive, move, check, journal, dead-letters.

Each parses its input, calls the inventory service and renders the result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Column, Table

from worldpool import inventory
from worldpool.domain.inventory import Movement, MovementKind
from worldpool.errors import DriftDetected
from worldpool.interfaces.cli.context import DbOption, SellerOption, cli_context
from worldpool.interfaces.cli.errors import handled

__all__ = [
    "check",
    "dead_letter_app",
    "examples",
    "init",
    "journal",
    "move",
    "receive",
    "sku_app",
]

EXIT_PARTIAL = 8
"""Exit code when a file had bad rows: the good rows were kept."""

console = Console(soft_wrap=True)
sku_app = typer.Typer(help="SKU master data.", no_args_is_help=True)
dead_letter_app = typer.Typer(
    help="Rejected records (file rows and orders): list, re-drive.",
    no_args_is_help=True,
)


def init(db: DbOption = None) -> None:
    """Create the database or upgrade it to the newest schema."""
    with handled(), cli_context(db, require_schema=False) as ctx:
        revision = inventory.init_schema(ctx)
        where = ctx.engine.url.render_as_string(hide_password=True)
    console.print(f"database ready at [bold]{where}[/] (schema {revision})")


@sku_app.command("import")
def sku_import(file: Path, db: DbOption = None, seller: SellerOption = None) -> None:
    """Import or update SKUs from a CSV file (bad rows are reported and kept aside).

    Files of any size stream in chunks; an interrupted import of the same file
    continues where it stopped when run again.
    """
    with (
        handled(),
        cli_context(db, seller=seller) as ctx,
        Progress(console=console, transient=True) as bar,
    ):
        task = bar.add_task("importing SKUs", total=None)
        outcome = inventory.import_skus(
            ctx, file, lambda done, total: bar.update(task, completed=done, total=total)
        )
    _render_batch(outcome, "SKUs: {posted} new, {updated} updated, {rejected} rejected")


def receive(file: Path, db: DbOption = None, seller: SellerOption = None) -> None:
    """Receive an ASN CSV at the hub (idempotent: a repeated file changes nothing).

    An interrupted run of the same file resumes after its last committed line;
    until then its ASNs read "receiving" (`worldpool asn status`).
    """
    with (
        handled(),
        cli_context(db, seller=seller) as ctx,
        Progress(console=console, transient=True) as bar,
    ):
        task = bar.add_task("posting receipts", total=None)
        outcome = inventory.receive_asn(
            ctx, file, lambda done, total: bar.update(task, completed=done, total=total)
        )
    _render_batch(
        outcome,
        "ASN lines: {posted} posted, {updated} already posted, {rejected} rejected",
    )


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
    seller: SellerOption = None,
) -> None:
    """Post one movement (transfer, reserve, ship, adjust ...) to the journal."""
    movement = Movement(
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
    with handled(), cli_context(db, seller=seller) as ctx:
        result = inventory.post_movement(ctx, movement)
    state = "already posted (no change)" if result.duplicate else "posted"
    console.print(f"movement {result.movement_id} {state}")


def check(db: DbOption = None, seller: SellerOption = None) -> None:
    """Recompute every balance from the journal and report drift (exit 5 on drift)."""
    with handled(), cli_context(db, seller=seller) as ctx:
        report = inventory.check(ctx)
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


@dead_letter_app.command("list")
def dead_letter_list(
    kind: Annotated[
        str | None, typer.Option(help="Only this kind (asn, sku, order ...).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to show at most.")] = 100,
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """List rejected records with their id, kind, source, row, field and reason."""
    with handled(), cli_context(db, seller=seller) as ctx:
        letters = inventory.dead_letters(ctx, kind, limit)
    t = Table("id", "kind", "source", "row", "field", "error")
    for d in letters:
        letter = d.letter
        t.add_row(
            str(d.id),
            letter.kind,
            letter.source,
            str(letter.row or ""),
            letter.field or "",
            letter.error,
        )
    console.print(t)


@dead_letter_app.command("redrive")
def dead_letter_redrive(
    ids: Annotated[list[int], typer.Argument(help="Dead-letter ids (orders).")],
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Submit dead-lettered orders again (after fixing the cause); 8 if any fail."""
    from worldpool.errors import InputError
    from worldpool.orders.service import redrive

    failed = 0
    with handled(), cli_context(db, seller=seller) as ctx:
        for letter_id in ids:
            try:
                outcome = redrive(ctx, letter_id)
            except InputError as exc:
                failed += 1
                console.print(f"[yellow]{letter_id} still rejected[/]: {exc}")
                continue
            console.print(f"{letter_id}: {outcome.key} {outcome.action}")
    if failed:
        raise typer.Exit(EXIT_PARTIAL)


def journal(
    sku: Annotated[str | None, typer.Option(help="Only this SKU.")] = None,
    node: Annotated[
        str | None, typer.Option(help="Only movements at/from this node.")
    ] = None,
    reference: Annotated[str | None, typer.Option(help="Only this reference.")] = None,
    limit: Annotated[int, typer.Option(help="Entries to show at most.")] = 50,
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Show the newest journal movements: what changed, where, why, and by what."""
    with handled(), cli_context(db, seller=seller) as ctx:
        entries = inventory.journal(
            ctx, sku=sku, node=node, reference=reference, limit=limit
        )
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


def _render_batch(outcome: inventory.BatchOutcome, line: str) -> None:
    for problem in outcome.rejected:
        console.print(f"[yellow]rejected[/] {problem.message}", highlight=False)
    hidden = outcome.rejected_total - len(outcome.rejected)
    if hidden > 0:
        console.print(
            f"... and {hidden} more rejected rows: `worldpool dead-letters list`",
            highlight=False,
        )
    console.print(
        line.format(
            posted=outcome.posted,
            updated=outcome.updated,
            rejected=outcome.rejected_total,
        )
    )
    if outcome.rejected_total:
        raise typer.Exit(EXIT_PARTIAL)


def examples(
    directory: Annotated[
        Path, typer.Argument(help="Folder for the example files.")
    ] = Path(),
) -> None:
    """Write the README tour's files: skus.csv, asn.csv, order.json, sales.csv."""
    from worldpool.examples import write_examples

    with handled():
        paths = write_examples(directory)
    for path in paths:
        console.print(f"wrote {path}", highlight=False)
