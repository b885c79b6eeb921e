"""``worldpool carriers``: carrier accounts (karrio), live rates, labels, tracking."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from worldpool.connectors import carrier_accounts as accounts
from worldpool.connectors import carrier_service as carriers
from worldpool.i18n import t
from worldpool.interfaces.cli.channels import _pairs
from worldpool.interfaces.cli.context import DbOption, cli_context
from worldpool.interfaces.cli.errors import handled

__all__ = ["app"]

console = Console(soft_wrap=True)
app = typer.Typer(
    help="Carrier accounts (UPS, FedEx via karrio): rates, labels, tracking.",
    no_args_is_help=True,
)

ToOption = Annotated[
    list[str],
    typer.Option(
        "--to",
        help="Delivery address: country=, postcode=, city=, street=, name=.",
    ),
]


def _to(values: list[str]) -> accounts.Recipient:
    got = {k: str(v) for k, v in _pairs(values, "--to").items()}
    return accounts.Recipient(
        got.get("country", ""),
        got.get("postcode", ""),
        got.get("city", ""),
        got.get("street", ""),
        got.get("name", ""),
    )


@app.command("add")
def add(
    name: str,
    carrier: Annotated[str, typer.Option(help="ups or fedex.")],
    url: Annotated[str, typer.Option(help="The carrier's API root.")],
    setting: Annotated[
        list[str], typer.Option("--set", help="NAME=VALUE (JSON) setting.")
    ] = [],  # noqa: B006 (Typer reads the default)
    secret: Annotated[
        list[str], typer.Option(help="NAME=VALUE credential; VALUE '-' prompts.")
    ] = [],  # noqa: B006
    db: DbOption = None,
) -> None:
    """Add a carrier account; its credentials are stored encrypted."""
    with handled(), cli_context(db) as ctx:
        info = accounts.add_carrier_account(
            ctx,
            accounts.CarrierAccountRequest(
                name,
                carrier,
                url,
                _pairs(secret, "--secret", secret=True),
                _pairs(setting, "--set"),
            ),
        )
        console.print(
            t(
                "Carrier account {name} ({carrier}) added; credentials {names} "
                "stored encrypted.",
                ctx.language,
                name=info.name,
                carrier=info.carrier,
                names=", ".join(info.credentials),
            )
        )


@app.command("list")
def list_(db: DbOption = None) -> None:
    """List carrier accounts (credentials masked)."""
    with handled(), cli_context(db) as ctx:
        table = Table(
            t("Account", ctx.language),
            t("Carrier", ctx.language),
            t("API root", ctx.language),
            t("Last error", ctx.language),
        )
        for info in accounts.list_carrier_accounts(ctx):
            table.add_row(info.name, info.carrier, info.base_url, info.last_error or "")
        console.print(table)


@app.command("rates")
def rates(
    account: str,
    shipment: str,
    to: ToOption,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    db: DbOption = None,
) -> None:
    """Ask the carrier now for its services and prices for a shipment."""
    with handled(), cli_context(db) as ctx:
        found = accounts.live_rates(ctx, account, shipment, _to(to))
        if as_json:
            rows = [
                {
                    "service": r.service,
                    "amount": str(r.amount),
                    "currency": r.currency,
                    "transit_days": r.transit_days,
                }
                for r in found
            ]
            console.print_json(json.dumps(rows))
            return
        table = Table(
            t("Service", ctx.language),
            t("Price", ctx.language),
            t("Days", ctx.language),
        )
        for r in found:
            days = "" if r.transit_days is None else f"{r.transit_days:g}"
            table.add_row(r.service, f"{r.amount} {r.currency}", days)
        console.print(table)


@app.command("label")
def label(
    account: str,
    shipment: str,
    service: Annotated[str, typer.Option(help="Carrier service, e.g. ups_ground.")],
    to: ToOption = [],  # noqa: B006
    order: Annotated[
        str | None, typer.Option(help="channel:order-id the parcel serves.")
    ] = None,
    origin: Annotated[
        str, typer.Option(help="Node a new order parcel leaves from.")
    ] = "US-FC1",
    db: DbOption = None,
) -> None:
    """Queue a label purchase (the sync worker buys it and books the shipment).

    With ``--order`` and the shipment ``new``, the order's parcel is created
    and its ship-to address used.
    """
    with handled(), cli_context(db) as ctx:
        recipient = _to(to) if to else None
        if shipment == "new" and order:
            channel, _, oid = order.partition(":")
            shipment, address = carriers.parcel_for_order(
                ctx, channel, oid, origin, "0614141"
            )
            recipient = recipient or address
        req = carriers.LabelRequest(
            shipment, account, service, recipient or _to([]), order
        )
        new = carriers.request_label(ctx, req)
        lang = ctx.language
        if new:
            text = t(
                "Label for {shipment} queued to {account}.",
                lang,
                shipment=shipment,
                account=account,
            )
        else:
            text = t(
                "Label for {shipment} was already queued.", lang, shipment=shipment
            )
        console.print(text)


@app.command("run")
def run(db: DbOption = None) -> None:
    """One pass now: buy queued labels and pull tracking for every account."""
    with handled(), cli_context(db) as ctx:
        done = carriers.run_once(ctx)
        console.print(
            t(
                "{labels} labels bought, {retried} to retry, {dead} refused; "
                "{events} new tracking events ({duplicates} repeats ignored).",
                ctx.language,
                labels=done.labels,
                retried=done.retried,
                dead=done.dead,
                events=done.events,
                duplicates=done.duplicates,
            )
        )
