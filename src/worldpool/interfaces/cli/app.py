"""The Typer root: registers one module per command group.

Command groups whose libraries come from an optional extra (``ml``, ``server``,
``customs``, ``report``) are imported here inside a guard: on a core-only
install the CLI still starts, and such a command explains which extra to
install instead of crashing every command with an ImportError.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from worldpool._version import __version__
from worldpool.interfaces.cli import catalog, imports_cmds, ledger_cmds
from worldpool.interfaces.cli.demo import demo
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
app.add_typer(ledger_cmds.sku_app, name="sku")
app.command("init")(ledger_cmds.init)
app.command("receive")(ledger_cmds.receive)
# ignore_unknown_options lets a negative adjustment (-3) pass as the quantity.
app.command("move", context_settings={"ignore_unknown_options": True})(ledger_cmds.move)
app.command("check")(ledger_cmds.check)
app.command("journal")(ledger_cmds.journal)
app.command("examples")(ledger_cmds.examples)
app.add_typer(ledger_cmds.dead_letter_app, name="dead-letters")
app.add_typer(imports_cmds.imports_app, name="imports")
app.add_typer(imports_cmds.asn_app, name="asn")
app.command("stock")(stock)
app.command("demo")(demo)

# (module, extra, [(kind, attribute, command name)]): kind is "group" or "command".
_OPTIONAL: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "worldpool.interfaces.cli.orders",
        "server",
        (
            ("group", "orders_app", "orders"),
            ("command", "route", "route"),
        ),
    ),
    (
        "worldpool.interfaces.cli.serve",
        "server",
        (("group", "api_key_app", "api-key"), ("command", "serve", "serve")),
    ),
    (
        "worldpool.interfaces.cli.channels",
        "server",
        (
            ("group", "channels_app", "channels"),
            ("group", "sync_app", "sync"),
            ("command", "ship", "ship-order"),
        ),
    ),
    ("worldpool.interfaces.cli.plan", "ml,report", (("group", "app", "plan"),)),
    ("worldpool.interfaces.cli.users", "server", (("group", "app", "users"),)),
    ("worldpool.interfaces.cli.hub", "server", (("group", "app", "hub"),)),
    ("worldpool.interfaces.cli.customs", "customs", (("group", "app", "customs"),)),
    ("worldpool.interfaces.cli.ship", "customs,ml", (("group", "app", "ship"),)),
    (
        "worldpool.interfaces.cli.carriers",
        "server,carriers",
        (("group", "app", "carriers"),),
    ),
    (
        "worldpool.interfaces.cli.forecast",
        "ml,report",
        (("command", "forecast", "forecast"),),
    ),
    (
        "worldpool.interfaces.cli.routes",
        "lastmile",
        (("command", "routes", "routes"),),
    ),
    (
        "worldpool.interfaces.cli.profit",
        "ml",
        (
            ("command", "profit", "profit"),
            ("command", "price", "price"),
            ("command", "reprice", "reprice"),
            ("command", "markets", "markets"),
            ("command", "expand", "expand"),
        ),
    ),
    (
        "worldpool.interfaces.cli.assistant",
        "ml",
        (("group", "app", "assistant"), ("command", "ask", "ask")),
    ),
    ("worldpool.interfaces.cli.mcp_cmd", "mcp", (("command", "mcp", "mcp"),)),
    (
        "worldpool.interfaces.cli.simulate",
        "ml,report",
        (("command", "simulate", "simulate"),),
    ),
)


def _missing(extra: str, module: str) -> Callable[..., None]:
    def command(ctx: typer.Context) -> None:
        """Say which extra to install, and exit 7."""
        typer.echo(
            f"this command needs the '{extra}' extra ({module} is not installed): "
            f"pip install 'worldpool[{extra}]'",
            err=True,
        )
        raise typer.Exit(7)

    # Backslash-escape the bracket: help text is Rich markup.
    command.__doc__ = f"(not installed: pip install 'worldpool\\[{extra}]')"
    return command


def _invoked_command() -> str | None:
    """The optional command this process runs (``worldpool sync run`` -> ``sync``).

    None when not started as the CLI or when the first argument names no
    optional command (``--help``, a core command): then all are registered.
    """
    if len(sys.argv) < 2 or Path(sys.argv[0]).name not in ("worldpool", "__main__.py"):
        return None
    names = {name for _m, _e, entries in _OPTIONAL for *_k, name in entries}
    return sys.argv[1] if sys.argv[1] in names else None


def _register_optional(only: str | None = None) -> None:
    """Register each optional command group, or a stub naming its extra.

    With ``only``, just the module that provides that command is imported:
    a ``worldpool sync run`` worker then starts in a fraction of the time
    (it matters when a killed worker's replacement has to take over).
    """
    loose: dict[str, Any] = {"allow_extra_args": True, "ignore_unknown_options": True}
    for module, extra, entries in _OPTIONAL:
        if only is not None and only not in {name for *_k, name in entries}:
            continue
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            stub = _missing(extra, exc.name or "a dependency")
            for _kind, _attr, name in entries:
                app.command(name, context_settings=loose)(stub)
            continue
        for kind, attr, name in entries:
            if kind == "group":
                app.add_typer(getattr(mod, attr), name=name)
            else:
                app.command(name)(getattr(mod, attr))


_register_optional(_invoked_command())


@app.command("version")
def version() -> None:
    """Print the worldpool version."""
    typer.echo(__version__)


def main() -> None:
    """Run the CLI (console-script entry point)."""
    app()
