"""``worldpool hub``: the 3PL operator's month-end billing, bins and cycle counts.

The CLI runs on the server, so it acts as the hub operator (role ``hub``);
``--seller`` names the seller a seller-level command acts for.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from worldpool.hub import (
    ChargeRequest,
    CloseRequest,
    bins_service,
    counts_service,
    inbound_service,
    waves_service,
)
from worldpool.hub import service as billing
from worldpool.hub.statement_file import service_name, statement_csv, statement_pdf
from worldpool.i18n import t
from worldpool.interfaces.cli.context import DbOption, SellerOption, cli_context
from worldpool.interfaces.cli.errors import handled

__all__ = ["app"]

console = Console(soft_wrap=True)
app = typer.Typer(
    help="3PL hub: billing per seller, bins, cycle counts.", no_args_is_help=True
)
Month = Annotated[str, typer.Option(help="Month, YYYY-MM.")]
Node = Annotated[str, typer.Option(help="Hub node.")]


@app.command("close")
def close(month: Month, node: Node = "CN-SZX", db: DbOption = None) -> None:
    """Close a month: snapshots, statements and lines for every seller."""
    with handled(), cli_context(db) as base:
        ctx = base.acting_as(role="hub")
        with console.status(
            t("Closing {month} at {node}", ctx.language, month=month, node=node)
        ):
            result = billing.close_month(ctx, CloseRequest(month, node))
    totals = ", ".join(f"{v} {k}" for k, v in sorted(result.totals.items()))
    console.print(
        t(
            "{sellers} statements, {lines} lines, total {totals}",
            ctx.language,
            sellers=result.sellers,
            lines=result.lines,
            totals=totals or "0",
        )
    )


@app.command("sellers")
def sellers(month: Month, node: Node = "CN-SZX", db: DbOption = None) -> None:
    """Show every seller's statement total of a month (the operator's view)."""
    with handled(), cli_context(db) as base:
        ctx = base.acting_as(role="hub")
        rows = billing.operator_view(ctx, month, node)
    table = Table(
        t("Seller", ctx.language),
        t("Lines", ctx.language),
        t("Total", ctx.language),
        t("Currency", ctx.language),
    )
    for r in rows:
        table.add_row(r.seller, str(r.lines), f"{r.total:.2f}", r.currency)
    console.print(table)


@app.command("statement")
def statement(
    month: Month,
    node: Node = "CN-SZX",
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write CSV here.")
    ] = None,
    pdf_out: Annotated[
        Path | None, typer.Option("--pdf", help="Write PDF here.")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="en or zh-CN.")] = None,
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Show a seller's statement; write it as CSV and/or PDF."""
    with handled(), cli_context(db, seller=seller) as base:
        ctx = base.acting_as(role="hub", language=lang)
        stmt = billing.statement(ctx, month, node)
        if csv_out:
            csv_out.write_text(statement_csv(stmt, ctx.language), encoding="utf-8")
        if pdf_out:
            pdf_out.write_bytes(statement_pdf(stmt, ctx.language))
    table = Table(
        t("Day", ctx.language),
        t("Service", ctx.language),
        t("Basis", ctx.language),
        t("Amount", ctx.language),
    )
    for ln in stmt.lines:
        table.add_row(
            ln.day.isoformat(),
            service_name(ln.service, ctx.language),
            f"{ln.basis:f}",
            f"{ln.amount:.2f}",
        )
    console.print(table)
    console.print(
        t(
            "Total: {amount} {currency}",
            ctx.language,
            amount=f"{stmt.total:.2f}",
            currency=stmt.currency,
        )
    )


@app.command("reconcile")
def reconcile(
    month: Month,
    node: Node = "CN-SZX",
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Recompute a seller's statement from its movements; exit 1 unless it matches."""
    with handled(), cli_context(db, seller=seller) as base:
        r = billing.reconcile(base.acting_as(role="hub"), month, node)
    console.print(
        f"{r.seller} {r.month}: {r.lines} lines, stored {r.stored_total}, "
        f"recomputed {r.recomputed_total}, unreconciled {r.unreconciled_cents}c"
    )
    if r.unreconciled_cents:
        raise typer.Exit(1)


@app.command("charge")
def charge(
    service: str,
    reference: str,
    key: Annotated[str, typer.Option(help="Idempotency key.")],
    qty: Annotated[Decimal, typer.Option(help="Tasks or parcels.")] = Decimal(1),
    cost: Annotated[Decimal, typer.Option(help="Parcel carrier cost.")] = Decimal(0),
    currency: str = "USD",
    node: Node = "CN-SZX",
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Record a parcel cost (ffo_parcel) or a value-added service (vas_*)."""
    with handled(), cli_context(db, seller=seller) as base:
        req = ChargeRequest(service, reference, qty, key, cost, currency, node)
        fresh = billing.record_charge(base.acting_as(role="hub"), req)
    console.print("recorded" if fresh else "already recorded")


@app.command("bins")
def bins(
    file: Annotated[Path | None, typer.Argument(help="Bins CSV to import.")] = None,
    node: Node = "CN-SZX",
    db: DbOption = None,
) -> None:
    """Import a bins CSV (node, bin, zone, aisle, shelf, position ...) or list bins."""
    with handled(), cli_context(db) as base:
        ctx = base.acting_as(role="hub")
        if file is not None:
            new, updated, bad = bins_service.import_bins(ctx, file)
            console.print(f"bins: {new} new, {updated} updated, {len(bad)} rejected")
            for p in bad:
                console.print(f"[yellow]dead-lettered[/] {p.message}", highlight=False)
            return
        rows = bins_service.list_bins(ctx, node)
    for b in rows:
        console.print(
            f"{b.bin}  {b.zone}/{b.aisle}/{b.shelf}/{b.position}  "
            f"{b.capacity_m3} m3  {b.capacity_kg} kg  {b.abc}"
        )


@app.command("putaway")
def putaway(
    sku: str,
    bin_id: Annotated[str, typer.Argument(metavar="BIN")],
    qty: int,
    reference: str,
    key: Annotated[str, typer.Option(help="Idempotency key.")],
    node: Node = "CN-SZX",
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Put units on hand at the node into a bin."""
    with handled(), cli_context(db, seller=seller) as base:
        req = bins_service.PutAway(node, sku, bin_id, qty, reference, key)
        done = bins_service.put_away(base.acting_as(role="hub"), req)
    console.print("put away" if done else "already done")


@app.command("move-bin")
def move_bin(
    sku: str,
    from_bin: str,
    to_bin: str,
    qty: int,
    reference: str,
    key: Annotated[str, typer.Option(help="Idempotency key.")],
    node: Node = "CN-SZX",
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Move units between two bins (the node's balance does not change)."""
    with handled(), cli_context(db, seller=seller) as base:
        req = bins_service.BinMove(node, sku, from_bin, to_bin, qty, reference, key)
        done = bins_service.move_bin(base.acting_as(role="hub"), req)
    console.print("moved" if done else "already done")


@app.command("bin-stock")
def bin_stock(
    node: Node = "CN-SZX", db: DbOption = None, seller: SellerOption = None
) -> None:
    """Show the seller's units per bin and SKU, and any inconsistency."""
    with handled(), cli_context(db, seller=seller) as base:
        ctx = base.acting_as(role="hub")
        rows = bins_service.bin_stock(ctx, node)
        problems = bins_service.check_bins(ctx, node)
    for s in rows:
        console.print(f"{s.bin}  {s.sku}  {s.units}")
    for p in problems:
        console.print(f"[red]{p}[/]", highlight=False)
    if problems:
        raise typer.Exit(1)


@app.command("count")
def count(
    sheet: str,
    node: Node = "CN-SZX",
    day: Annotated[str | None, typer.Option(help="Count day, YYYY-MM-DD.")] = None,
    enter: Annotated[
        list[str] | None, typer.Option(help="BIN:SKU=UNITS counted.")
    ] = None,
    post: Annotated[
        str | None, typer.Option(help="Post variances with this reason.")
    ] = None,
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Plan a blind count sheet of the bins due, enter counts, post variances."""
    with handled(), cli_context(db, seller=seller) as base:
        ctx = base.acting_as(role="hub")
        when = date.fromisoformat(day) if day else None
        lines = counts_service.plan_count(
            ctx, counts_service.CountPlan(node, sheet, when)
        )
        for item in enter or ():
            where, _, units = item.partition("=")
            bin_id, _, sku = where.partition(":")
            counts_service.enter_count(ctx, sheet, bin_id, sku, int(units))
        if enter:
            lines = counts_service.count_sheet(ctx, sheet)
        if post:
            lines = counts_service.post_count(ctx, sheet, post)
    for ln in lines:
        shown = "?" if ln.expected is None else str(ln.expected)
        console.print(
            f"{ln.bin}  {ln.sku}  expected {shown}  counted "
            f"{'' if ln.counted is None else ln.counted}  {ln.status}"
        )


@app.command("book")
def book(
    asn: str,
    slot: Annotated[str, typer.Option(help="Slot start, ISO time (UTC).")],
    cartons: Annotated[int, typer.Option(help="Cartons arriving.")],
    line: Annotated[list[str], typer.Option(help="SKU=UNITS expected (repeat).")],
    dock: Annotated[
        str | None, typer.Option(help="Dock (default: first free).")
    ] = None,
    node: Node = "CN-SZX",
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Book a dock slot for an ASN."""
    lines = tuple((s, int(u)) for s, _, u in (x.partition("=") for x in line))
    with handled(), cli_context(db, seller=seller) as base:
        start = datetime.fromisoformat(slot)
        req = inbound_service.AppointmentRequest(asn, node, start, cartons, lines, dock)
        got = inbound_service.book_appointment(base.acting_as(role="hub"), req)
    console.print(
        f"{asn}: dock {got['dock']} at {got['slot_start']}, {cartons} cartons"
    )


@app.command("receive")
def receive(
    asn: str,
    line: Annotated[list[str], typer.Option(help="SKU=RECEIVED[/DAMAGED] (repeat).")],
    putaway: Annotated[list[str] | None, typer.Option(help="SKU:BIN=UNITS.")] = None,
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Receive against an ASN (over/short/damaged per SKU) and put away."""
    arrived = []
    for item in line:
        sku, _, units = item.partition("=")
        got, _, bad = units.partition("/")
        arrived.append((sku, int(got), int(bad or 0)))
    places = []
    for item in putaway or ():
        where, _, units = item.partition("=")
        sku, _, bin_id = where.partition(":")
        places.append((sku, bin_id, int(units)))
    with handled(), cli_context(db, seller=seller) as base:
        req = inbound_service.ReceiveRequest(asn, tuple(arrived), tuple(places))
        lines = inbound_service.receive(base.acting_as(role="hub"), req)
    for ln in lines:
        console.print(
            f"{ln.sku}: expected {ln.expected}, received {ln.received}, "
            f"damaged {ln.damaged}, over {ln.over}, short {ln.short}"
        )


@app.command("waves")
def waves(
    carrier: Annotated[
        list[str] | None, typer.Option(help="ORDER=CARRIER (order: channel:id).")
    ] = None,
    default_carrier: Annotated[
        str | None, typer.Option(help="Carrier of the rest.")
    ] = None,
    ship: Annotated[bool, typer.Option(help="Ship the first wave as picked.")] = False,
    node: Node = "CN-SZX",
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Plan pick waves by carrier cut-off (location-sorted); optionally ship one."""
    carriers = dict(item.rpartition("=")[::2] for item in carrier or ())
    with handled(), cli_context(db, seller=seller) as base:
        ctx = base.acting_as(role="hub")
        req = waves_service.WaveRequest(node, carriers, default_carrier)
        planned = waves_service.plan_waves(ctx, req)
        shipped = (
            waves_service.confirm_shipped(ctx, node, planned[0].picks)
            if (ship and planned)
            else {}
        )
    for w in planned:
        console.print(
            f"[bold]{w.carrier}[/] cut-off {w.cutoff:%Y-%m-%d %H:%M} UTC, "
            f"{len(w.orders)} orders"
        )
        for p in w.picks:
            console.print(
                f"  {p.bin}  {p.sku}  x{p.units}  ({p.order})", highlight=False
            )
    for order, status in shipped.items():
        console.print(f"{order}: {status}")
