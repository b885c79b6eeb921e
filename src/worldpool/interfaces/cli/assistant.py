"""``worldpool assistant``: the day's ranked decisions, approve/reject/undo, digest.

Also ``worldpool ask "..."``: a question answered by the configured LLM
through the same tools the MCP server offers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from worldpool.assistant import service
from worldpool.config import Settings
from worldpool.context import Context, open_context
from worldpool.interfaces.cli.context import DbOption
from worldpool.interfaces.cli.errors import handled

__all__ = ["app", "ask"]

app = typer.Typer(
    help="The assistant: priorities, risks, and actions on approval.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON instead of a table.")
]
SellerOption = Annotated[str | None, typer.Option(help="Seller to act for.")]
LangOption = Annotated[str | None, typer.Option("--lang", help="en or zh-CN.")]


def _ctx(db: str | None, seller: str | None, language: str | None = None) -> Context:
    settings = Settings.from_env().with_(database_url=db)
    ctx = open_context(settings, seller=seller, user="cli")
    return ctx.acting_as(language=language) if language else ctx


def _table(proposals: list[service.Proposal]) -> Table:
    table = Table(title="worldpool assistant")
    for col in ("id", "#", "what", "impact", "action", "mode", "status"):
        table.add_column(col, overflow="fold")
    for p in proposals:
        table.add_row(
            str(p.id),
            str(p.rank),
            p.explanation,
            f"{p.impact} {p.currency}",
            p.action,
            p.mode,
            p.status,
        )
    return table


@app.command("today")
def today(
    db: DbOption = None,
    seller: SellerOption = None,
    limit: Annotated[int, typer.Option(help="Keep the top this many.")] = 25,
    no_hs: Annotated[
        bool, typer.Option("--no-hs", help="Skip HS code suggestions.")
    ] = False,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Rank today's decisions by money at stake; auto-approved ones run now."""
    with handled():
        ctx = _ctx(db, seller, lang)
        with console.status("reading the pool ..."):
            result = service.today(
                ctx, service.SignalsRequest(limit=limit, suggest_hs=not no_hs)
            )
        if as_json:
            typer.echo(json.dumps(result.to_dict(), default=str))
        else:
            console.print(_table(result.proposals))
            console.print(
                "approve: worldpool assistant approve ID | reject: ... reject ID"
            )
        ctx.close()


def _decide(
    db: str | None, seller: str | None, pid: int, approve: bool, note: str
) -> None:
    with handled():
        ctx = _ctx(db, seller)
        p = service.decide(ctx, pid, approve=approve, note=note)
        console.print(
            f"proposal {p.id}: {p.status} {json.dumps(p.result, default=str)}"
        )
        ctx.close()


@app.command("approve")
def approve(
    proposal: Annotated[int, typer.Argument(help="Proposal id.")],
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Approve a proposal and carry its action out."""
    _decide(db, seller, proposal, True, "")


@app.command("reject")
def reject(
    proposal: Annotated[int, typer.Argument(help="Proposal id.")],
    note: Annotated[str, typer.Option(help="Why.")] = "",
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Reject a proposal (nothing is done)."""
    _decide(db, seller, proposal, False, note)


@app.command("undo")
def undo(
    proposal: Annotated[int, typer.Argument(help="Proposal id.")],
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Take back a carried-out reversible action (buffer, HS code, launch mode)."""
    with handled():
        ctx = _ctx(db, seller)
        p = service.undo(ctx, proposal)
        console.print(f"proposal {p.id}: {p.status}")
        ctx.close()


@app.command("list")
def list_(
    db: DbOption = None,
    seller: SellerOption = None,
    status: Annotated[str | None, typer.Option(help="open, done, rejected ...")] = None,
    as_json: JsonOption = False,
) -> None:
    """List stored proposals, newest day first."""
    with handled():
        ctx = _ctx(db, seller)
        found = service.proposals(ctx, status=status)
        if as_json:
            typer.echo(json.dumps([p.to_dict() for p in found], default=str))
        else:
            console.print(_table(found))
        ctx.close()


@app.command("digest")
def digest(
    out: Annotated[Path | None, typer.Option(help="Write the Markdown here.")] = None,
    db: DbOption = None,
    seller: SellerOption = None,
    lang: LangOption = None,
) -> None:
    """Write today's digest (Markdown, an e-mail body) to a file or the screen."""
    with handled():
        ctx = _ctx(db, seller, lang)
        text = service.digest(ctx)
        if out:
            out.write_text(text, encoding="utf-8")
            console.print(f"digest written to {out}")
        else:
            typer.echo(text)
        ctx.close()


def ask(
    question: Annotated[str, typer.Argument(help="Your question, English or Chinese.")],
    db: DbOption = None,
    seller: SellerOption = None,
    lang: LangOption = None,
) -> None:
    """Ask the assistant (needs llm_base_url and llm_model in the settings)."""
    from worldpool.interfaces.mcp.toolbox import answer

    with handled():
        ctx = _ctx(db, seller, lang)
        reply = answer(ctx, question)
        typer.echo(reply.text)
        for call in reply.calls:
            console.print(f"[dim]tool {call}[/]")
        ctx.close()
