"""``worldpool routes``: plan a node's deliveries with the hub's own vans."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from worldpool.config import Settings
from worldpool.context import Context, open_context
from worldpool.errors import InputError
from worldpool.interfaces.cli.context import DbOption
from worldpool.interfaces.cli.errors import handled
from worldpool.lastmile import LastMileParams, read_fleet, read_postcodes, read_rows
from worldpool.lastmile.service import (
    RouteRequest,
    RoutingResult,
    labels_pdf,
    manifest_pdf,
    plan_routes,
    route_map,
)

__all__ = ["routes"]

console = Console(soft_wrap=True)


FleetOpt = Annotated[
    Path, typer.Option(exists=True, dir_okay=False, help="Fleet CSV/JSON.")
]
StopsOpt = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, help="Stops CSV/JSON (per parcel)."),
]
PostcodesOpt = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, help="Postcode centroids CSV."),
]


def _text(path: Path | None) -> str:
    return path.read_text(encoding="utf-8-sig") if path else ""


def _write(ctx: Context, result: RoutingResult, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "routes.json": json.dumps(result.to_dict(), indent=2, ensure_ascii=False),
        "routes.html": route_map(ctx, result),
    }
    written = []
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    if result.plan.routes:
        (out / "manifests.pdf").write_bytes(manifest_pdf(ctx, result))
        (out / "labels.pdf").write_bytes(labels_pdf(ctx, result))
        written += [out / "manifests.pdf", out / "labels.pdf"]
    return written


def _solve(ctx: Context, request: RouteRequest) -> RoutingResult:
    columns = (TextColumn("solving"), BarColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("solve", total=1.0)
        live = replace(request, on_progress=lambda f: bar.update(task, completed=f))
        return plan_routes(ctx, live)


def _params(config: Path | None, **given: Any) -> LastMileParams:
    """Settings from ``config``'s ``[lastmile]`` table, options given on top."""
    base = LastMileParams.from_toml(config) if config else LastMileParams()
    values = {f: getattr(base, f) for f in base.__dataclass_fields__}
    values.update({k: v for k, v in given.items() if v is not None})
    return LastMileParams.from_mapping(values)


def _echo(result: RoutingResult, written: list[Path], as_json: bool, lang: str) -> None:
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    console.print(result.summary(lang), highlight=False, markup=False)
    for path in written:
        console.print(f"  {path}", highlight=False, markup=False)


def routes(
    node: Annotated[str, typer.Option(help="Depot node id, e.g. US-FC1.")],
    date: Annotated[str, typer.Option(help="Delivery day, YYYY-MM-DD.")],
    fleet: FleetOpt = Path("fleet.csv"),
    stops: StopsOpt = None,
    postcodes: PostcodesOpt = None,
    ledger: Annotated[bool, typer.Option(help="Plan open ledger orders.")] = True,
    matrix_url: Annotated[str | None, typer.Option(help="OSRM/Valhalla URL.")] = None,
    matrix_engine: Annotated[str, typer.Option(help="osrm or valhalla.")] = "osrm",
    seconds: Annotated[
        float | None, typer.Option(min=0.1, help="Solver seconds.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Solver seed.")] = None,
    max_trips: Annotated[int | None, typer.Option(min=1, help="Trips a shift.")] = None,
    circuity: Annotated[float | None, typer.Option(help="Road/line ratio.")] = None,
    speed_kmh: Annotated[float | None, typer.Option(help="Speed, km/h.")] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder.")] = None,
    config: Annotated[
        Path | None, typer.Option(exists=True, help="TOML with a [lastmile] table.")
    ] = None,
    language: Annotated[str | None, typer.Option(help="en or zh-CN.")] = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Plan delivery routes, van load plans, manifests and a route map for a day."""
    with handled():
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise InputError("expected YYYY-MM-DD", field="date", value=date) from None
        params = _params(
            config,
            seconds=seconds,
            seed=seed,
            max_trips=max_trips,
            circuity=circuity,
            speed_kmh=speed_kmh,
        )
        settings = Settings.from_env().with_(database_url=db, language=language)
        ctx = open_context(settings, role="operator")
        try:
            request = RouteRequest(
                node=node,
                date=day,
                fleet=read_fleet(_text(fleet), fleet.name),
                stop_rows=tuple(read_rows(_text(stops), stops.name)) if stops else (),
                postcodes=read_postcodes(_text(postcodes)) if postcodes else {},
                from_ledger=ledger,
                matrix_url=matrix_url,
                matrix_engine=matrix_engine,
                params=params,
            )
            result = _solve(ctx, request)
            folder = out or Path(f"routes-{node}-{day.isoformat()}")
            written = _write(ctx, result, folder)
        finally:
            ctx.close()
        _echo(result, written, as_json, ctx.language)
