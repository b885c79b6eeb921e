"""``worldpool customs``: HS suggestion, documents, rule checks, landed cost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from worldpool.context import Context
from worldpool.customs import hs_service, service
from worldpool.customs.issues import ValidationReport
from worldpool.i18n import t
from worldpool.interfaces.cli.context import DbOption, SellerOption, cli_context
from worldpool.interfaces.cli.errors import handled

if TYPE_CHECKING:
    from worldpool.customs.answer import HsAnswer
    from worldpool.customs.suggest import HsSuggestion

__all__ = ["app"]

app = typer.Typer(
    help="Customs: HS codes, invoice + packing list, rule checks, landed cost.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)
EXIT_BLOCKED = 2
"""Exit code when a document has blocking errors (same as bad input)."""

ShipmentArg = Annotated[
    Path, typer.Argument(help="Shipment JSON file (docs/how-to/customs.md).")
]
FxOption = Annotated[
    Path | None,
    typer.Option(
        "--fx",
        help="FX table CSV (base,quote,rate,source,date) over the packaged rates.",
    ),
]
RulesOption = Annotated[
    Path | None,
    typer.Option("--rules", help="Folder of rule files overriding the packaged ones."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@contextmanager
def _customs_context(
    db: str | None, fx: Path | None, seller: str | None, *, need_db: bool
) -> Iterator[Context]:
    """Context for a customs command; the database is only opened when used."""
    fx_file = str(fx) if fx is not None else None
    with cli_context(db, seller=seller, require_schema=need_db, fx_file=fx_file) as ctx:
        yield ctx


def _print_report(report: ValidationReport, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        console.print(report.summary(), highlight=False, markup=False)


Attr = Annotated[str, typer.Option(help="Product attribute, when known.")]


@app.command("hs")
def hs(
    text: Annotated[
        str, typer.Argument(help="Product title / description (English or Chinese).")
    ] = "",
    k: Annotated[
        int, typer.Option("--k", min=1, max=10, help="Suggestions to show.")
    ] = 3,
    material: Attr = "",
    gender: Attr = "",
    use: Attr = "",
    examples: Annotated[
        Path | None, typer.Option(help="CSV of confirmed codes (text,hs6).")
    ] = None,
    confirm: Annotated[
        str | None,
        typer.Option(help="Record CODE as confirmed for TEXT in --examples."),
    ] = None,
    correct: Annotated[
        str | None,
        typer.Option(help="Record CODE as the seller's correction for TEXT (--db)."),
    ] = None,
    sku: Annotated[
        str | None, typer.Option(help="Describe a registered SKU (title, category).")
    ] = None,
    db: DbOption = None,
    seller: SellerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Suggest 6-digit HS codes: calibrated probability, confident or a question."""
    request = hs_service.HsRequest(text, k, material, gender, use)
    with handled():
        if confirm is not None:
            service.confirm_hs(text, confirm, examples or Path("hs_confirmed.csv"))
            console.print(f"recorded {confirm} for {text!r}", highlight=False)
            return
        if examples is not None:
            found = service.suggest_hs(request.query(), k, examples)
            _print_suggestions(found, as_json)
            return
        use_db = db is not None or sku is not None or correct is not None
        with cli_context(db, seller=seller, require_schema=use_db) as ctx:
            if sku is not None:
                request = replace(request, text=f"{service.sku_text(ctx, sku)} {text}")
            if correct is not None:
                done = hs_service.record_hs_correction(
                    ctx, hs_service.HsCorrectionRequest(request.query(), correct)
                )
                console.print(f"recorded {done.hs6} for {done.text!r}", highlight=False)
                return
            answer = hs_service.suggest_hs_answer(ctx if use_db else None, request)
            language = ctx.language
    _print_answer(answer, language, as_json)


def _print_suggestions(found: tuple[HsSuggestion, ...], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([asdict(s) for s in found], indent=2))
        return
    table = Table("HS code", "probability", "description", "reason")
    for s in found:
        table.add_row(s.code, f"{s.confidence:.1%}", s.description, s.reason)
    console.print(table)


def _print_answer(answer: HsAnswer, language: str, as_json: bool) -> None:
    question = t(answer.question, language) if answer.question else ""
    if as_json:
        typer.echo(json.dumps(asdict(answer) | {"question_text": question}, indent=2))
        return
    _print_suggestions(answer.suggestions, False)
    if answer.confident:
        line = t("Confident: {code} is right with probability {p}.", language)
        console.print(
            line.format(code=answer.suggestions[0].code, p=f"{answer.probability:.0%}")
        )
    else:
        line = t("Not sure (top probability {p}). To decide: {question}", language)
        console.print(line.format(p=f"{answer.probability:.0%}", question=question))


@app.command("check")
def check(
    shipment: ShipmentArg,
    fx: FxOption = None,
    rules: RulesOption = None,
    db: DbOption = None,
    seller: SellerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Validate a shipment against its destination's rules (exit 2 on errors).

    Shipment files are self-contained; registered SKUs fill gaps with --db.
    """
    with handled(), _customs_context(db, fx, seller, need_db=bool(db)) as ctx:
        report = service.check_shipment(
            ctx, shipment, use_ledger=bool(db), rules_dir=rules
        )
    _print_report(report, as_json)
    if not report.ok:
        raise typer.Exit(EXIT_BLOCKED)


@app.command("docs")
def docs(
    shipment: ShipmentArg,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write the PDF.")] = False,
    out: Annotated[
        Path, typer.Option(help="Folder for SHIPMENT_ID.json / .pdf.")
    ] = Path(),
    force: Annotated[
        bool, typer.Option(help="Write documents despite blocking errors.")
    ] = False,
    fx: FxOption = None,
    rules: RulesOption = None,
    db: DbOption = None,
    seller: SellerOption = None,
) -> None:
    """Write the commercial invoice and packing list (JSON, and PDF with --pdf)."""
    with handled(), _customs_context(db, fx, seller, need_db=bool(db)) as ctx:
        result = service.shipment_documents(
            ctx, shipment, pdf=pdf, force=force, use_ledger=bool(db), rules_dir=rules
        )
    _print_report(result.report, as_json=False)
    if result.documents is None:
        console.print(
            "no documents written: fix the errors or pass --force", style="bold red"
        )
        raise typer.Exit(EXIT_BLOCKED)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / result.report.shipment
    stem.with_suffix(".json").write_text(json.dumps(result.documents, indent=2))
    console.print(f"wrote {stem.with_suffix('.json')}", highlight=False)
    if result.pdf is not None:
        stem.with_suffix(".pdf").write_bytes(result.pdf)
        console.print(f"wrote {stem.with_suffix('.pdf')}", highlight=False)


@app.command("landed-cost")
def landed_cost(
    sku: Annotated[str, typer.Argument(help="Registered SKU id.")],
    to: Annotated[str, typer.Option("--to", help="Marketplace id, e.g. DE.")],
    quantity: Annotated[
        int, typer.Option("--qty", min=1, help="Units in the consignment.")
    ] = 1,
    lane: Annotated[
        str | None, typer.Option(help="Lane id (default: cheapest to the market).")
    ] = None,
    duty_rate: Annotated[
        float | None,
        typer.Option(help="Duty rate in % when the tariff lacks the code."),
    ] = None,
    additional_duty: Annotated[
        float, typer.Option(help="Extra duty in % (e.g. Section 301).")
    ] = 0.0,
    hs: Annotated[
        str | None, typer.Option("--hs", help="HS code overriding the SKU's.")
    ] = None,
    fx: FxOption = None,
    db: DbOption = None,
    seller: SellerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the landed cost of a SKU in a marketplace, with its breakdown."""
    request = service.LandedCostRequest.parse(
        sku, to, quantity, lane, duty_rate, additional_duty, hs
    )
    with handled(), _customs_context(db, fx, seller, need_db=True) as ctx:
        result = service.sku_landed_cost(ctx, request)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        console.print(result.summary(), highlight=False, markup=False)
