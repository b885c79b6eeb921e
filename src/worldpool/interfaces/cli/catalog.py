"""``worldpool catalog``: list marketplaces, channels, nodes and lanes."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Column, Table

from worldpool.catalog import Catalog, load_catalog
from worldpool.interfaces.cli.errors import handled

__all__ = ["app"]

app = typer.Typer(
    help="Reference data: marketplaces, channels, nodes, lanes.", no_args_is_help=True
)
console = Console(soft_wrap=True)
Override = Annotated[
    list[str] | None,
    typer.Option("--catalog", help="Override file or folder (repeatable)."),
]


def _load(paths: list[str] | None) -> Catalog:
    # WORLDPOOL_CATALOG is applied by load_catalog; --catalog paths go on top.
    return load_catalog(paths or [])


@app.command("marketplaces")
def marketplaces(catalog: Override = None) -> None:
    """List marketplaces with currency, zone, VAT and de minimis thresholds."""
    with handled():
        cat = _load(catalog)
    t = Table(
        "id",
        "country",
        "currency",
        "zone",
        "VAT",
        "duty de minimis",
        "tax de minimis",
        "scheme",
        "since",
    )
    for m in cat.marketplaces.values():
        t.add_row(
            m.id,
            m.country,
            m.currency,
            m.customs_zone,
            f"{m.vat_rate:.1%}",
            f"{m.duty_de_minimis.value} {m.duty_de_minimis.currency}",
            f"{m.tax_de_minimis.value} {m.tax_de_minimis.currency}",
            m.tax_scheme,
            m.effective_date.isoformat(),
        )
    console.print(t)


@app.command("channels")
def channels(catalog: Override = None) -> None:
    """List sales channels."""
    with handled():
        cat = _load(catalog)
    t = Table("id", "name")
    for c in cat.channels.values():
        t.add_row(c.id, c.name)
    console.print(t)


@app.command("nodes")
def nodes(catalog: Override = None) -> None:
    """List hubs and fulfilment centres with storage cost and capacity."""
    with handled():
        cat = _load(catalog)
    t = Table("id", "kind", "country", "serves", "storage /m³/day", "capacity m³")
    for n in cat.nodes.values():
        t.add_row(
            n.id,
            n.kind.value,
            n.country,
            ";".join(n.markets) or "-",
            f"{n.storage_cost_m3_day} {n.currency}",
            f"{n.capacity_m3:,}",
        )
    console.print(t)


@app.command("lanes")
def lanes(
    origin: Annotated[
        str | None, typer.Option(help="Only lanes from this node.")
    ] = None,
    mode: Annotated[
        str | None, typer.Option(help="sea, air, express or parcel.")
    ] = None,
    catalog: Override = None,
) -> None:
    """List lanes with P50/P90 transit days and costs."""
    with handled():
        cat = _load(catalog)
    t = Table(
        Column("id", no_wrap=True),
        *("mode", "P50 d", "P90 d", "per kg", "per m³", "per parcel", "dim div"),
    )
    for lane in cat.lanes.values():
        if (origin and lane.origin != origin) or (mode and lane.mode.value != mode):
            continue
        t.add_row(
            lane.id,
            lane.mode.value,
            f"{lane.transit.p50_days:g}",
            f"{lane.transit.p90_days:g}",
            f"{lane.cost_per_kg}",
            f"{lane.cost_per_m3}",
            f"{lane.cost_per_parcel} {lane.currency}",
            str(lane.dim_divisor or "-"),
        )
    console.print(t)
