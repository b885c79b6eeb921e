"""``worldpool profit|price|reprice|markets|expand``: margins, prices, launches."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Protocol

import typer
from rich.console import Console
from rich.progress import Progress

from worldpool.config import Settings
from worldpool.context import Context, open_context
from worldpool.interfaces.cli.context import DbOption
from worldpool.interfaces.cli.errors import handled
from worldpool.profit import Mode, PriceBounds
from worldpool.profit import service as svc
from worldpool.profit.evaluate import MODES
from worldpool.profit.history import SaleRow, read_sales

__all__ = ["expand", "markets", "price", "profit", "reprice"]

console = Console(soft_wrap=True)

ToOption = Annotated[
    str, typer.Option("--to", help="Marketplace ids, comma-separated (JP,AU).")
]
ChannelOption = Annotated[
    str, typer.Option("--channel", help="Channel whose fees apply.")
]
HistoryOption = Annotated[
    Path | None,
    typer.Option("--history", help="Sales CSV: sku,market,date,units,price,currency."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


class _Result(Protocol):
    def summary(self) -> str:
        """Return text for people."""
        ...

    def to_dict(self) -> dict[str, object]:
        """Return plain data."""
        ...


def _context(db: str | None) -> Context:
    settings = Settings.from_env()
    return open_context(replace(settings, database_url=db) if db else settings)


def _history(path: Path | None) -> tuple[SaleRow, ...]:
    return read_sales(path) if path else ()


def _markets(text: str) -> tuple[str, ...]:
    return tuple(m.strip().upper() for m in text.split(",") if m.strip())


def _show(result: _Result, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, default=str))
    else:
        console.print(result.summary(), highlight=False, markup=False)


def profit(
    sku: Annotated[str, typer.Argument(help="SKU id.")],
    to: ToOption = "",
    channel: ChannelOption = "amazon",
    mode: Annotated[
        list[str] | None,
        typer.Option("--mode", help="local_fc, origin or 3pl (repeat)."),
    ] = None,
    at: Annotated[
        float | None,
        typer.Option("--price", help="Explain this price (market currency)."),
    ] = None,
    new_seller: Annotated[
        bool, typer.Option("--new-seller", help="Apply new-seller rebates.")
    ] = False,
    quantity: Annotated[
        int, typer.Option("--quantity", min=1, help="Units per order (B2B tiers).")
    ] = 1,
    history: HistoryOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Unit economics of SKU per market and fulfilment mode, every line explained."""
    with handled():
        modes = tuple(m for m in MODES if not mode or m in mode)
        request = svc.ProfitRequest(
            sku,
            _markets(to),
            channel,
            modes,
            None if at is None else Decimal(str(at)),
            _history(history),
            new_seller,
            quantity,
        )
        ctx = _context(db)
        try:
            _show(svc.sku_profit(ctx, request), as_json)
        finally:
            ctx.close()


def _mode(text: str) -> Mode:
    for mode in MODES:
        if mode == text:
            return mode
    raise typer.BadParameter(f"expected one of {', '.join(MODES)}", param_hint="--mode")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter("expected an ISO date", param_hint="--since") from None


def _band(text: str) -> tuple[float, float]:
    low, _, high = text.partition(":")
    return float(low or 0), float(high or "inf")


def price(
    sku: Annotated[str, typer.Argument(help="SKU id.")],
    to: Annotated[str, typer.Option("--to", help="Marketplace id.")],
    channel: ChannelOption = "amazon",
    mode: Annotated[
        str, typer.Option("--mode", help="local_fc, origin or 3pl.")
    ] = "local_fc",
    floor: Annotated[
        float, typer.Option("--floor", help="Lowest allowed price.")
    ] = 0.0,
    ceiling: Annotated[
        float, typer.Option("--ceiling", help="Highest allowed price.")
    ] = float("inf"),
    band: Annotated[str, typer.Option("--band", help="Competitor band LOW:HIGH.")] = "",
    history: HistoryOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Advise the profit-maximising price of SKU in one market."""
    with handled():
        low, high = _band(band) if band else (0.0, float("inf"))
        bounds = PriceBounds(floor, ceiling, low, high)
        request = svc.PriceRequest(
            sku, to.upper(), channel, _mode(mode), bounds, _history(history)
        )
        ctx = _context(db)
        try:
            _show(svc.advise_price(ctx, request), as_json)
        finally:
            ctx.close()


def reprice(
    since: Annotated[
        str, typer.Option("--since", help="ISO date: rows effective after it count.")
    ],
    channel: ChannelOption = "amazon",
    history: HistoryOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List SKUs moved by fee or tariff rows effective since DATE, with new prices."""
    with handled():
        request = svc.RepriceRequest(_day(since), channel, _history(history))
        ctx = _context(db)
        try:
            with Progress(transient=True, console=console) as bar:
                task = bar.add_task("repricing SKUs", total=None)

                def step(done: int, total: int) -> None:
                    """Advance the bar."""
                    bar.update(task, completed=done, total=total)

                result = svc.reprice(ctx, request, step)
        finally:
            ctx.close()
        _show(result, as_json)


def markets(
    sku: Annotated[str, typer.Argument(help="SKU id.")],
    to: Annotated[str, typer.Option("--to", help="Candidates (default: all).")] = "",
    channel: ChannelOption = "amazon",
    history: HistoryOption = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write an HTML report here.")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Rank every marketplace for SKU by risk-adjusted expected monthly profit."""
    with handled():
        request = svc.RankRequest(sku, channel, _markets(to), _history(history))
        ctx = _context(db)
        try:
            result = svc.best_markets(ctx, request)
        finally:
            ctx.close()
        _show(result, as_json)
        if html is not None:
            from worldpool.report.market_report import write_market_report

            write_market_report(result, html)
            console.print(f"report: {html}", highlight=False, markup=False)


def expand(
    sku: Annotated[str, typer.Argument(help="SKU id.")],
    to: ToOption,
    channel: ChannelOption = "amazon",
    apply: Annotated[
        bool, typer.Option("--apply", help="List the SKU and record the launch.")
    ] = False,
    history: HistoryOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Plan a one-step launch of SKU in new markets: price, checklist, logistics."""
    with handled():
        request = svc.ExpandRequest(
            sku, _markets(to), channel, apply, history=_history(history)
        )
        ctx = _context(db)
        try:
            _show(svc.expand(ctx, request), as_json)
        finally:
            ctx.close()
