"""``worldpool imports list`` and ``worldpool asn status``: file imports and ASNs.

An import that stopped part way (killed, crashed, Ctrl-C) reads
*interrupted*; running the same file again (``worldpool receive FILE`` or
``worldpool sku import FILE``) continues after its last committed row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from worldpool import inventory
from worldpool.i18n import N_, t
from worldpool.interfaces.cli.context import DbOption, SellerOption, cli_context
from worldpool.interfaces.cli.errors import handled

__all__ = ["STATES", "asn_app", "imports_app"]

STATES = (
    N_("running"),
    N_("interrupted"),
    N_("complete"),
    N_("superseded"),
    N_("receiving"),
    N_("received"),
    N_("not received"),
)
"""Import and ASN states, marked for translation."""

console = Console(soft_wrap=True)
imports_app = typer.Typer(help="File imports: progress, interrupted runs.")
asn_app = typer.Typer(help="Advance shipping notices.", no_args_is_help=True)


@imports_app.command("list")
def list_(
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """List the newest SKU and ASN file imports with their state."""
    with handled(), cli_context(db, seller=seller) as ctx:
        found = inventory.imports(ctx, limit)
        lang = ctx.language
    table = Table(
        "id",
        t("kind", lang),
        t("file", lang),
        t("state", lang),
        t("rows done", lang),
        t("posted", lang),
        t("updated", lang),
        t("rejected", lang),
    )
    for rec in found:
        table.add_row(
            str(rec.id),
            rec.kind,
            Path(rec.source).name,
            t(rec.state(), lang),
            str(rec.rows_done),
            str(rec.posted),
            str(rec.updated),
            str(rec.rejected),
        )
    console.print(table)
    if any(r.state() == "interrupted" for r in found):
        console.print(
            t("Run the same file again to finish an interrupted import.", lang)
        )


@asn_app.command("status")
def status(
    asn_ids: Annotated[list[str], typer.Argument(help="ASN ids.")],
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Say whether each ASN is fully received or still receiving."""
    with handled(), cli_context(db, seller=seller) as ctx:
        states = inventory.asn_status(ctx, asn_ids)
        lang = ctx.language
    for asn in asn_ids:
        state = states.get(asn, "not received")
        console.print(f"{asn}: {t(state, lang)}", highlight=False)
