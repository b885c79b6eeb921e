"""HTML report of a plan: charts (matplotlib, inline SVG) and the explained lines."""

from __future__ import annotations

import html
import io
from collections import defaultdict
from collections.abc import Sequence

from matplotlib.figure import Figure

from worldpool.plan import Plan

__all__ = ["plan_html"]


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.find("<svg") :]


def _units_by_fc(plan: Plan) -> str:
    by: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in plan.transfer_lines():
        by[line.mode][line.fc] += line.qty
    fcs = sorted({fc for m in by.values() for fc in m})
    fig = Figure(figsize=(8, 3.2))
    ax = fig.subplots()
    bottom = [0] * len(fcs)
    for mode, units in sorted(by.items()):
        vals = [units.get(fc, 0) for fc in fcs]
        ax.bar(fcs, vals, bottom=bottom, label=mode)
        bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax.set_ylabel("units shipped")
    ax.set_title("Transfers by FC and mode")
    ax.tick_params(axis="x", rotation=60)
    if by:
        ax.legend()
    return _svg(fig)


def _fulfilment(plan: Plan) -> str:
    local: dict[str, int] = defaultdict(int)
    origin: dict[str, int] = defaultdict(int)
    for line in plan.market_lines():
        (local if line.fulfilment == "local" else origin)[line.market] += 1
    markets = sorted(set(local) | set(origin))
    fig = Figure(figsize=(8, 3.2))
    ax = fig.subplots()
    ax.bar(markets, [local[m] for m in markets], label="local FC")
    ax.bar(
        markets,
        [origin[m] for m in markets],
        bottom=[local[m] for m in markets],
        label="from origin",
    )
    ax.set_ylabel("SKUs")
    ax.set_title("Fulfilment mode per market")
    ax.legend()
    return _svg(fig)


def _table(headers: list[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def plan_html(plan: Plan, max_lines: int = 200) -> str:
    """Return a self-contained HTML page for ``plan`` (charts inline as SVG).

    Args:
        plan: The plan to show.
        max_lines: Rows shown per line table.
    """
    tr = [
        [x.sku, x.fc, x.mode, x.qty, x.eta, x.why]
        for _, x in zip(range(max_lines), plan.transfer_lines(), strict=False)
    ]
    po = [
        [x.sku, x.qty, x.eta, x.why]
        for _, x in zip(range(max_lines), plan.order_lines(), strict=False)
    ]
    costs = [[k, f"{v:,.2f} {plan.currency}"] for k, v in plan.costs.items()]
    title = html.escape(f"worldpool plan {plan.id}")
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
        "collapse}td,th{border:1px solid #ccc;padding:3px 6px;font-size:13px}"
        "</style></head><body>"
        f"<h1>{title}</h1><pre>{html.escape(plan.summary())}</pre>"
        f"{_units_by_fc(plan)}{_fulfilment(plan)}"
        f"<h2>Costs</h2>{_table(['item', 'amount'], costs)}"
        f"<h2>Transfers</h2>{_table(['sku', 'fc', 'mode', 'qty', 'eta', 'why'], tr)}"
        f"<h2>Purchase orders</h2>{_table(['sku', 'qty', 'eta', 'why'], po)}"
        "</body></html>"
    )
