"""The Typer root: registers one module per command group."""

from __future__ import annotations

import typer

from worldpool._version import __version__
from worldpool.interfaces.cli import catalog, customs, ledger_cmds
from worldpool.interfaces.cli import orders as orders_cmds
from worldpool.interfaces.cli import plan as plan_cmds
from worldpool.interfaces.cli import serve as serve_cmds
from worldpool.interfaces.cli.demo import demo
from worldpool.interfaces.cli.forecast import forecast
from worldpool.interfaces.cli.simulate import simulate
from worldpool.interfaces.cli.stock import stock

__all__ = ["app", "main"]

app = typer.Typer(
    name="worldpool",
    help="One global inventory pool: list once, stock once, sell everywhere.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog.app, name="catalog")
app.add_typer(customs.app, name="customs")
app.add_typer(ledger_cmds.sku_app, name="sku")
app.add_typer(orders_cmds.orders_app, name="orders")
app.add_typer(plan_cmds.app, name="plan")
app.add_typer(orders_cmds.deadletter_app, name="deadletter")
app.add_typer(serve_cmds.api_key_app, name="api-key")
app.command("route")(orders_cmds.route)
app.command("serve")(serve_cmds.serve)
app.command("init")(ledger_cmds.init)
app.command("receive")(ledger_cmds.receive)
# ignore_unknown_options lets a negative adjustment (-3) pass as the quantity.
app.command("move", context_settings={"ignore_unknown_options": True})(ledger_cmds.move)
app.command("check")(ledger_cmds.check)
app.command("journal")(ledger_cmds.journal)
app.command("dead-letters")(ledger_cmds.dead_letters)
app.command("stock")(stock)
app.command("demo")(demo)
app.command("forecast")(forecast)
app.command("simulate")(simulate)


@app.command("version")
def version() -> None:
    """Print the worldpool version."""
    typer.echo(__version__)


def main() -> None:
    """Run the CLI (console-script entry point)."""
    app()
