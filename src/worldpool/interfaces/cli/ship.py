"""``worldpool ship``: quotes, shipments, labels, tracking events, status, receipt."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from worldpool.config import Settings
from worldpool.context import Context, open_context
from worldpool.errors import InputError
from worldpool.interfaces.cli.context import DbOption
from worldpool.interfaces.cli.errors import handled
from worldpool.logistics import po_service, quote_service, service, tracking_service
from worldpool.logistics.events import events_from_csv, events_from_json
from worldpool.logistics.ratecard import Piece
from worldpool.logistics.records import (
    BookRequest,
    PlanShipmentsRequest,
    PurchaseOrderRequest,
    QuoteAsk,
    ReceiveRequest,
    ShipPurchaseOrder,
)
from worldpool.report.quote_chart import quote_chart_svg

__all__ = ["app", "po_app"]

app = typer.Typer(
    help="Logistics: quotes, shipments, labels, tracking, arrival.",
    no_args_is_help=True,
)
po_app = typer.Typer(help="Purchase orders into the hub.", no_args_is_help=True)
app.add_typer(po_app, name="po")
console = Console(soft_wrap=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
PairsOption = Annotated[
    list[str] | None, typer.Option(help="SKU=UNITS, repeatable.", show_default=False)
]


@contextmanager
def _ctx(db: str | None) -> Iterator[Context]:
    with handled():
        ctx = open_context(Settings.from_env().with_(database_url=db))
        try:
            yield ctx
        finally:
            ctx.close()


def _pairs(values: list[str] | None, option: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values or ():
        sku, _, qty = v.partition("=")
        if not sku or not qty.strip().lstrip("-").isdigit():
            raise InputError("expected SKU=UNITS", record=option, value=v)
        out[sku.strip()] = out.get(sku.strip(), 0) + int(qty)
    return out


def _pieces(values: list[str] | None) -> tuple[Piece, ...]:
    out = []
    for v in values or ():
        kg, _, m3 = v.partition(":")
        try:
            out.append(Piece(Decimal(kg), Decimal(m3)))
        except ArithmeticError:
            raise InputError("expected KG:M3", record="--piece", value=v) from None
    return tuple(out)


def _dump(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


@app.command("quote")
def quote(
    origin: Annotated[str, typer.Argument(help="Origin hub id, e.g. CN-SZX.")],
    destination: Annotated[str, typer.Argument(help="FC id or marketplace id.")],
    unit: PairsOption = None,
    piece: Annotated[
        list[str] | None, typer.Option(help="Carton KG:M3, repeatable.")
    ] = None,
    currency: Annotated[str, typer.Option(help="Currency of the answer.")] = "USD",
    svg: Annotated[
        Path | None, typer.Option(help="Also write a cost/days/CO2e chart (SVG).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every service for a shipment, ranked by landed cost, with P50/P90 and CO2e."""
    with _ctx(db) as ctx:
        ask = QuoteAsk(
            origin,
            destination,
            _pieces(piece),
            tuple(_pairs(unit, "--unit").items()),
            currency=currency,
        )
        quotes = quote_service.quote(ctx, ask)
    if svg is not None:
        svg.write_text(quote_chart_svg(quotes, title=f"{origin} -> {destination}"))
    if as_json:
        _dump([q.to_dict() for q in quotes])
        return
    table = Table(title=f"{origin} -> {destination}")
    for col in (
        "service",
        "carrier",
        "chargeable",
        "freight",
        "landed",
        "P50",
        "P90",
        "kg CO2e",
    ):
        table.add_column(col)
    for q in quotes:
        table.add_row(
            q.service,
            q.carrier,
            f"{q.price.chargeable} {q.price.unit}",
            f"{q.freight:,.2f}",
            f"{q.landed_cost:,.2f} {q.currency}",
            f"{q.p50_days:g}",
            f"{q.p90_days:g}",
            f"{q.co2e_kg:,.1f}",
        )
    console.print(table)


def _shipments_table(rows: list[dict[str, Any]]) -> Table:
    table = Table()
    for col in ("shipment", "from", "to", "service", "status", "ETA", "booking"):
        table.add_column(col)
    for r in rows:
        eta = r.get("eta")
        table.add_row(
            r["id"],
            r["origin"],
            r["destination"],
            r["service"],
            r["status"],
            str(eta)[:16] if eta else "-",
            r["booking"],
        )
    return table


@app.command("create")
def create(
    plan: Annotated[str, typer.Option(help="Applied plan id.")],
    prefix: Annotated[str, typer.Option(help="GS1 company prefix.")] = "0614141",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Build shipments (packed cartons, SSCCs) from an applied plan's transfers."""
    with _ctx(db) as ctx:
        views = service.shipments_from_plan(ctx, PlanShipmentsRequest(plan, prefix))
    if as_json:
        _dump([v.to_dict() for v in views])
    else:
        console.print(_shipments_table([v.row for v in views]))


@app.command("documents")
def documents(
    shipment: Annotated[str, typer.Argument(help="Shipment id.")],
    out: Annotated[Path, typer.Option(help="Folder for the files.")] = Path(),
    db: DbOption = None,
) -> None:
    """Write carton labels (PDF), packing list (PDF) and ASN (JSON) of a shipment."""
    with _ctx(db) as ctx:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{shipment}-labels.pdf").write_bytes(service.labels_pdf(ctx, shipment))
        (out / f"{shipment}-packing-list.pdf").write_bytes(
            service.packing_list_pdf(ctx, shipment)
        )
        asn = json.dumps(service.asn(ctx, shipment), indent=2, default=str)
        (out / f"{shipment}-asn.json").write_text(asn)
    console.print(f"wrote labels, packing list and ASN of {shipment} to {out}")


@app.command("book")
def book(
    shipment: Annotated[str, typer.Argument(help="Shipment id.")],
    tracking: Annotated[str, typer.Argument(help="Carrier tracking number.")],
    order: Annotated[
        str | None, typer.Option(help="Order it serves: channel:order-id.")
    ] = None,
    carrier: Annotated[str | None, typer.Option(help="Carrier name.")] = None,
    db: DbOption = None,
) -> None:
    """Confirm a booking; the tracking number goes to the order via the outbox."""
    from worldpool.connectors import carrier_service  # needs the server extra

    with _ctx(db) as ctx:
        view = carrier_service.book_parcel(
            ctx, BookRequest(shipment, tracking, carrier, order_ref=order)
        )
    console.print(f"{shipment}: booking {view.row['booking']}, tracking {tracking}")


@app.command("events")
def events(
    path: Annotated[Path, typer.Argument(help="Events file: EPCIS JSON or CSV.")],
    batch: Annotated[int, typer.Option(min=1, help="Events per transaction.")] = 200,
    db: DbOption = None,
) -> None:
    """Ingest tracking events (idempotent by event id, any order)."""
    text = path.read_text()
    with _ctx(db) as ctx:
        parse = events_from_csv if path.suffix.lower() == ".csv" else events_from_json
        good, bad = parse(text)
        applied = dups = rejected = 0
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("events", total=len(good))
            for i in range(0, len(good), batch):
                r = tracking_service.ingest_events(ctx, good[i : i + batch])
                applied, dups = applied + r.applied, dups + r.duplicates
                rejected += len(r.rejected)
                bar.advance(task, len(good[i : i + batch]))
    console.print(f"{applied} new, {dups} already known, {rejected + len(bad)} refused")
    for n, msg in bad[:10]:
        console.print(f"  #{n}: {msg}", markup=False)


@app.command("status")
def status(
    shipment: Annotated[str | None, typer.Argument(help="Shipment id.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Open ones only.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """One shipment with its events and ETA, or the list of shipments."""
    with _ctx(db) as ctx:
        if shipment is None:
            rows = service.list_shipments(ctx, open_only=open_only)
            if as_json:
                _dump(rows)
            else:
                console.print(_shipments_table(rows))
            return
        view = service.shipment_status(ctx, shipment)
    if as_json:
        _dump(view.to_dict())
        return
    console.print(_shipments_table([view.row]))
    table = Table(title="events")
    for col in ("time", "step", "disposition", "read point"):
        table.add_column(col)
    for e in view.events:
        table.add_row(
            str(e["event_time"])[:16], e["biz_step"], e["disposition"], e["read_point"]
        )
    console.print(table)
    if view.exceptions:
        console.print(f"[bold red]exceptions:[/] {', '.join(view.exceptions)}")


@app.command("exceptions")
def exceptions(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Open shipments late against P90 or stuck in customs."""
    with _ctx(db) as ctx:
        found = service.exceptions(ctx)
    if as_json:
        _dump([_exc(x) for x in found])
        return
    for x in found:
        console.print(f"[bold]{x.code}[/] {x.message}", highlight=False)
    if not found:
        console.print("no exceptions")


def _exc(x: Any) -> dict[str, Any]:
    return {
        "shipment": x.shipment_id,
        "code": x.code,
        "message": x.message,
        "destination": x.destination,
        "eta": x.eta,
    }


@app.command("receive")
def receive(
    shipment: Annotated[str, typer.Argument(help="Shipment id.")],
    short: PairsOption = None,
    damaged: PairsOption = None,
    db: DbOption = None,
) -> None:
    """Receive a shipment: in-transit to on-hand; short/damaged as own movements."""
    with _ctx(db) as ctx:
        req = ReceiveRequest(
            shipment, _pairs(short, "--short"), _pairs(damaged, "--damaged")
        )
        r = service.receive(ctx, req)
    if r.already:
        console.print(f"{shipment} was received before; nothing moved.")
    else:
        console.print(
            f"{shipment}: {r.received} units on hand, {r.short} short, "
            f"{r.damaged} damaged ({r.movements} movements)"
        )


@app.command("rates")
def rates(
    path: Annotated[Path, typer.Argument(help="Contracted rate card CSV.")],
    db: DbOption = None,
) -> None:
    """Load your own contracted rates (same columns as the packaged rate cards)."""
    with _ctx(db) as ctx:
        n = quote_service.load_rates(ctx, path.read_text())
    console.print(f"{n} contracted rate rows loaded")


@po_app.command("open")
def po_open(
    supplier: Annotated[str, typer.Argument(help="Supplier name.")],
    hub: Annotated[str, typer.Argument(help="Receiving hub id.")],
    line: PairsOption = None,
    plan: Annotated[str | None, typer.Option(help="From a plan's orders.")] = None,
    db: DbOption = None,
) -> None:
    """Open a purchase order (lines SKU=UNITS, or every order line of a plan)."""
    with _ctx(db) as ctx:
        if plan:
            po = po_service.purchase_orders_from_plan(ctx, plan, supplier)
        else:
            req = PurchaseOrderRequest(
                supplier, hub, tuple(_pairs(line, "--line").items())
            )
            po = po_service.open_purchase_order(ctx, req)
    console.print(f"{po['id']}: {po['status']}")


@po_app.command("confirm")
def po_confirm(po: Annotated[str, typer.Argument()], db: DbOption = None) -> None:
    """The supplier confirmed the purchase order."""
    with _ctx(db) as ctx:
        console.print(po_service.confirm_purchase_order(ctx, po)["status"])


@po_app.command("ship")
def po_ship(
    po: Annotated[str, typer.Argument()], line: PairsOption = None, db: DbOption = None
) -> None:
    """The supplier shipped (part of) the purchase order: a labelled shipment."""
    with _ctx(db) as ctx:
        lines = tuple(_pairs(line, "--line").items())
        sid = po_service.ship_purchase_order(ctx, ShipPurchaseOrder(po, lines))
    console.print(f"shipment {sid}")


@po_app.command("list")
def po_list(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Purchase orders with their status."""
    with _ctx(db) as ctx:
        rows = po_service.list_purchase_orders(ctx)
    if as_json:
        _dump(rows)
        return
    table = Table()
    for col in ("po", "supplier", "hub", "status", "ordered", "received"):
        table.add_column(col)
    for r in rows:
        lines = r["payload"]["lines"]
        table.add_row(
            r["id"],
            r["supplier"],
            r["hub"],
            r["status"],
            str(sum(ln["qty"] for ln in lines)),
            str(sum(ln["received"] for ln in lines)),
        )
    console.print(table)
