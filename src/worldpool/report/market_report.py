"""HTML report of a best-market ranking: a bar chart of monthly profit and the reasons.

The chart is drawn with Matplotlib's object API (no pyplot state) and embedded
as a PNG data URI, so the report is one file a seller can open or share.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from matplotlib.figure import Figure

from worldpool.profit.results import RankResult

__all__ = ["render_market_report", "write_market_report"]

_STYLE = (
    "body{font-family:sans-serif;max-width:1000px;margin:auto}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
    "padding:3px 6px;font-size:13px}td.n{text-align:right}"
)


def _chart(result: RankResult) -> str:
    scores = result.scores
    fig = Figure(figsize=(9, 0.28 * len(scores) + 1))
    ax = fig.add_subplot()
    names = [f"{s.option.market} ({s.option.mode})" for s in scores][::-1]
    values = [s.score for s in scores][::-1]
    colours = ["#bbb" if s.option.blockers else "#2a7" for s in scores][::-1]
    ax.barh(names, values, color=colours)
    ax.set_xlabel(f"risk-adjusted expected profit per month ({result.currency})")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="monthly profit by market" src="data:image/png;base64,{data}">'


def _table(result: RankResult) -> str:
    head = (
        "<tr><th>#</th><th>market</th><th>mode</th><th>price</th><th>units/month</th>"
        "<th>profit/month</th><th>risk</th><th>why</th></tr>"
    )
    rows = [
        f"<tr><td class='n'>{k}</td><td>{s.option.market}</td><td>{s.option.mode}</td>"
        f"<td class='n'>{s.option.price:.2f} {s.option.currency}</td>"
        f"<td class='n'>{s.option.monthly_units:.1f}</td>"
        f"<td class='n'>{s.score:.0f}</td><td class='n'>{s.risk:.0%}</td>"
        f"<td>{html.escape(s.why)}</td></tr>"
        for k, s in enumerate(result.scores, start=1)
    ]
    return "<table>" + head + "".join(rows) + "</table>"


def render_market_report(result: RankResult) -> str:
    """Return the ranking as one self-contained HTML page.

    Args:
        result: The ranking from :func:`worldpool.profit.service.best_markets`.
    """
    title = html.escape(f"Best markets for {result.sku}")
    return "".join(
        [
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>",
            f"<style>{_STYLE}</style></head><body><h1>{title}</h1>",
            "<p>Expected units a month at the advised price x contribution per unit, "
            "less a share for transit variability and returns; grey bars are blocked "
            "by a compliance rule.</p>",
            _chart(result),
            _table(result),
            "</body></html>",
        ]
    )


def write_market_report(result: RankResult, path: Path) -> Path:
    """Write :func:`render_market_report` to ``path`` (UTF-8) and return the path."""
    path.write_text(render_market_report(result), encoding="utf-8")
    return path
