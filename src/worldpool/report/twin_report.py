"""HTML report of a twin comparison: stock by node, fill by market, costs, verdict.

Figures are drawn with Matplotlib's object API (no pyplot state, no GUI
backend) and embedded as PNG data URIs, so the report is one file.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from worldpool.sim import Comparison, Scenario, SimResult

__all__ = ["render_twin_report", "write_twin_report"]

_COSTS = ("storage_cost", "capital_cost", "transport_cost", "lost_margin")


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{data}">'


def _best(result: Comparison) -> dict[str, SimResult]:
    return {name: pts["best"] for name, pts in result.runs.items()}


def _inventory_figure(result: Comparison, sc: Scenario) -> str:
    runs = _best(result)
    fig = Figure(layout="constrained", figsize=(10, 2.6 * len(runs)))
    for i, (name, r) in enumerate(runs.items()):
        ax = fig.add_subplot(len(runs), 1, i + 1)
        first = np.datetime64(sc.start) + r.start_day
        days = first + np.arange(len(r.hub_value))
        top = np.argsort(-r.fc_value.sum(axis=0))[:5]
        rest = np.delete(r.fc_value, top, axis=1).sum(axis=1)
        layers = [r.hub_value, *(r.fc_value[:, j] for j in top), rest, r.transit_value]
        labels = ["hub", *(f"FC {sc.markets[j]}" for j in top), "other FCs", "at sea"]
        ax.stackplot(days, *layers, labels=labels)
        ax.set_title(f"{name}: inventory value by node ({sc.currency}, at unit cost)")
        ax.legend(loc="upper right", fontsize=7, ncol=4)
    return _png(fig)


def _fill_figure(result: Comparison, sc: Scenario) -> str:
    runs = _best(result)
    fig = Figure(layout="constrained", figsize=(10, 3.2))
    ax = fig.add_subplot(1, 1, 1)
    width = 0.8 / max(len(runs), 1)
    x = np.arange(len(sc.markets))
    for i, (name, r) in enumerate(runs.items()):
        fill = [r.kpis.fill_rate_by_market[m] for m in sc.markets]
        ax.bar(x + i * width, fill, width, label=name)
    ax.set_xticks(x + width * (len(runs) - 1) / 2, sc.markets, fontsize=8)
    ax.set_ylabel("fill rate")
    ax.set_title("Fill rate by market (each policy at its cost-optimal target)")
    ax.legend(fontsize=8)
    return _png(fig)


def _cost_figure(result: Comparison, sc: Scenario) -> str:
    runs = _best(result)
    fig = Figure(layout="constrained", figsize=(7, 3.2))
    ax = fig.add_subplot(1, 1, 1)
    bottom = np.zeros(len(runs))
    for part in _COSTS:
        values = np.array([getattr(r.kpis, part) for r in runs.values()])
        ax.bar(list(runs), values, bottom=bottom, label=part.replace("_", " "))
        bottom += values
    ax.set_ylabel(sc.currency)
    ax.set_title("Total cost breakdown")
    ax.legend(fontsize=8)
    return _png(fig)


def _table(result: Comparison, sc: Scenario) -> str:
    head = (
        "policy",
        "point",
        "service",
        "fill rate",
        "stock-outs",
        "short days",
        f"on hand ({sc.currency})",
        "turns/yr",
        f"total cost ({sc.currency})",
        f"margin ({sc.currency})",
        "shipped from origin",
    )
    rows = []
    for name, points in result.runs.items():
        for point, r in points.items():
            k = r.kpis
            origin = k.served_origin_units / max(k.served_units, 1e-12)
            cells = (
                name,
                point,
                f"{r.service:.3f}",
                f"{k.fill_rate:.1%}",
                f"{k.stockout_rate:.1%}",
                f"{k.short_day_rate:.1%}",
                f"{k.avg_on_hand_value:,.0f}",
                f"{k.turnover:.2f}",
                f"{k.total_cost:,.0f}",
                f"{k.contribution_margin:,.0f}",
                f"{origin:.1%}",
            )
            rows.append(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"
            )
    header = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    return f"<table><tr>{header}</tr>{''.join(rows)}</table>"


def _verdict(result: Comparison) -> str:
    h = result.headline
    if not h:
        return "<p>Only one policy was run: nothing to compare.</p>"
    items = [
        (
            "Inventory value needed for the same fill rate, pool vs split",
            h["inventory_value_ratio_equal_fill"],
        ),
        (
            "Stock-out rate with the same inventory value, pool vs split",
            h["stockout_ratio_equal_inventory"],
        ),
        ("Inventory turns, pool vs split (same fill rate)", h["turnover_ratio"]),
        ("Total cost, pool vs split (each at its best target)", h["cost_ratio"]),
    ]
    if "gap_closed" in h:
        items.append(
            (
                "Share of the split-to-clairvoyant cost gap the pool closes",
                h["gap_closed"],
            )
        )
    lis = "".join(f"<li>{html.escape(t)}: <b>{v:.0%}</b></li>" for t, v in items)
    return f"<ul>{lis}</ul>"


def render_twin_report(result: Comparison, scenario: Scenario) -> str:
    """Return the report as one self-contained HTML page.

    Args:
        result: The comparison from :func:`worldpool.sim.compare`.
        scenario: The scenario it ran on (markets, currency, size).
    """
    sc = scenario
    title = (
        f"Digital twin: {len(sc.skus)} SKUs, {len(sc.markets)} markets, "
        f"{sc.days} days from {sc.start}"
    )
    style = (
        "body{font-family:sans-serif;max-width:1000px;margin:auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:3px 6px;font-size:13px;text-align:right}"
    )
    return "\n".join(
        [
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>",
            f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>",
            "<p>Every policy replays the same real demand and the same sampled transit "
            "times. <i>best</i> is each policy at its cheapest service target; "
            "<i>equal_fill</i> and <i>equal_inventory</i> tune it to the legacy "
            "split's fill rate or stock value.</p>",
            "<h2>What the pool is worth</h2>",
            _verdict(result),
            "<h2>Policy comparison</h2>",
            _table(result, sc),
            "<h2>Inventory over time by node</h2>",
            _inventory_figure(result, sc),
            "<h2>Fill rate by market</h2>",
            _fill_figure(result, sc),
            "<h2>Cost breakdown</h2>",
            _cost_figure(result, sc),
            "</body></html>",
        ]
    )


def write_twin_report(result: Comparison, scenario: Scenario, path: Path) -> Path:
    """Write :func:`render_twin_report` to ``path`` (UTF-8) and return the path."""
    path.write_text(render_twin_report(result, scenario), encoding="utf-8")
    return path
