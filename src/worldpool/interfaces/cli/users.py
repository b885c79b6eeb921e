"""``worldpool users add/list/passwd``: people who log in to the cockpit.

Run on the server, the CLI acts as ``system`` (it may add owners and 3PL hub
operators for any seller). Passwords are read from a hidden prompt, or from
standard input with ``--password-stdin`` (scripts); never from an argument.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from worldpool.config import Settings
from worldpool.context import Context, open_context
from worldpool.i18n import t
from worldpool.interfaces.cli.context import DbOption
from worldpool.interfaces.cli.errors import handled
from worldpool.users import NewUser, add_user, list_users, set_password

__all__ = ["app"]

console = Console(soft_wrap=True)
app = typer.Typer(help="Cockpit users (password login, roles).", no_args_is_help=True)

StdinOption = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from stdin.")
]


@contextmanager
def _ctx(db: str | None) -> Iterator[Context]:
    settings = Settings.from_env().with_(database_url=db)
    ctx = open_context(settings, user="cli", role="system")
    try:
        yield ctx
    finally:
        ctx.close()


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@app.command("add")
def add(
    username: str,
    role: Annotated[
        str, typer.Option(help="viewer, operator, owner or hub.")
    ] = "viewer",
    seller: Annotated[
        str | None, typer.Option(help="Seller (default: the configured one).")
    ] = None,
    language: Annotated[str, typer.Option(help="en or zh-CN.")] = "en",
    password_stdin: StdinOption = False,
    db: DbOption = None,
) -> None:
    """Add a user who can log in to the cockpit."""
    with handled(), _ctx(db) as ctx:
        req = NewUser(username, _password(password_stdin), role, seller, language)  # type: ignore[arg-type]
        user = add_user(ctx, req)
    console.print(
        t(
            "User {name} added ({role}, seller {seller}).",
            ctx.language,
            name=user.username,
            role=user.role,
            seller=user.seller,
        )
    )


@app.command("list")
def list_(db: DbOption = None) -> None:
    """List users (every seller)."""
    with handled(), _ctx(db) as ctx:
        found = list_users(ctx)
    table = Table("user", "seller", "role", "language", "created", "disabled")
    for u in found:
        created = u.created_at.strftime("%Y-%m-%d") if u.created_at else ""
        table.add_row(
            u.username,
            u.seller,
            u.role,
            u.language,
            created,
            "yes" if u.disabled else "",
        )
    console.print(table)


@app.command("passwd")
def passwd(
    username: str, password_stdin: StdinOption = False, db: DbOption = None
) -> None:
    """Set a user's password."""
    with handled(), _ctx(db) as ctx:
        set_password(ctx, username, _password(password_stdin))
    console.print(t("Password of {name} changed.", ctx.language, name=username))
